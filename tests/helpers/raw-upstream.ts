// An upstream written by hand on a raw TCP socket, for what Bun.serve cannot do: send a
// streamed response's status line and headers before any body byte (Bun.serve holds them until
// the body's first chunk), then body chunks one by one, then silence, a clean end or a reset.
import type { Socket } from "bun";

export interface RawExchange {
  /** The request's head and body as received (complete once `requested` resolves). */
  request: string;
  /** Writes the status line and headers; the body is sent chunked. */
  head(status?: number, headers?: Record<string, string>): void;
  /** One body chunk. */
  send(text: string): void;
  /** The last chunk: a clean end. */
  end(): void;
  /** Closes the socket mid-body: what a reset looks like to the proxy. */
  reset(): void;
}

export interface RawUpstream {
  url: string;
  /** Resolves with the next request's exchange once its body has arrived. */
  next(): Promise<RawExchange>;
  stop(): void;
}

export function startRawUpstream(): RawUpstream {
  const waiting: ((x: RawExchange) => void)[] = [];
  const ready: RawExchange[] = [];
  const buffers = new Map<Socket<undefined>, string>();
  const deliver = (x: RawExchange) => {
    const w = waiting.shift();
    if (w) w(x);
    else ready.push(x);
  };
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket, data) {
        const text = (buffers.get(socket) ?? "") + data.toString();
        buffers.set(socket, text);
        const split = text.indexOf("\r\n\r\n");
        if (split === -1) return;
        const length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, split))?.[1] ?? 0);
        if (text.length < split + 4 + length) return;
        buffers.delete(socket);
        const hex = (n: number) => n.toString(16);
        deliver({
          request: text,
          head(status = 200, headers = { "content-type": "text/event-stream" }) {
            const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
            socket.write(
              `HTTP/1.1 ${status} OK\r\n${lines.join("\r\n")}\r\ntransfer-encoding: chunked\r\n\r\n`,
            );
          },
          send(body) {
            const bytes = Buffer.from(body);
            socket.write(`${hex(bytes.byteLength)}\r\n`);
            socket.write(bytes);
            socket.write("\r\n");
          },
          end() {
            socket.write("0\r\n\r\n");
          },
          reset() {
            socket.terminate();
          },
        });
      },
      close(socket) {
        buffers.delete(socket);
      },
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    next: () => {
      const x = ready.shift();
      return x ? Promise.resolve(x) : new Promise((resolve) => waiting.push(resolve));
    },
    stop: () => server.stop(true),
  };
}
