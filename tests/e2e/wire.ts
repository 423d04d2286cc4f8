// Raw HTTP/1.1 over TLS against the compiled binary, for what fetch cannot send or show: bad
// methods and header bytes, chunked uploads at a chosen pace, pipelined requests, stalls.
import { connect, type TLSSocket } from "node:tls";

export interface RawResponse {
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** Status codes of the responses in `text`, in order. */
  statuses: number[];
  /** The first response's body (after its blank line). */
  body: string;
  /** True when the server closed the connection. */
  closed: boolean;
}

function parse(text: string, closed: boolean): RawResponse {
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
  const start = text.indexOf("\r\n\r\n");
  return { text, statuses, body: start < 0 ? "" : text.slice(start + 4), closed };
}

/** True when `text` holds `n` complete responses framed by Content-Length. */
function complete(text: string, n: number): boolean {
  let at = 0;
  for (let i = 0; i < n; i++) {
    const head = text.indexOf("\r\n\r\n", at);
    if (head < 0) return false;
    const length = /content-length: (\d+)/i.exec(text.slice(at, head));
    if (!length) return false;
    at = head + 4 + Number(length[1]);
    if (text.length < at) return false;
  }
  return true;
}

export interface Conversation {
  socket: TLSSocket;
  /** Resolves with what came back once `responses` complete answers arrived or the server closed. */
  done: Promise<RawResponse>;
}

/**
 * Opens a TLS connection to `port` and calls `talk` once connected; collects the answer. `giveUpMs`
 * only ends a test that would otherwise hang (its result then shows what was missing).
 */
export function converse(
  port: number,
  talk: (socket: TLSSocket) => void,
  responses = 1,
  giveUpMs = 20_000,
): Conversation {
  const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => talk(socket));
  let text = "";
  const done = new Promise<RawResponse>((resolve) => {
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(text, closed));
    };
    const timer = setTimeout(() => finish(false), giveUpMs);
    socket.on("data", (d: Buffer) => {
      text += d.toString("latin1");
      if (complete(text, responses)) finish(false);
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => {});
  });
  return { socket, done };
}

/** Sends `data` in one write and waits for the answer(s). */
export function rawRequest(port: number, data: string | Uint8Array, responses = 1): Promise<RawResponse> {
  return converse(port, (s) => s.write(data), responses).done;
}

/** A request head (and body, when given) as one string. */
export function head(method: string, path: string, headers: Record<string, string> = {}, body = ""): string {
  const lines = Object.entries({ host: "localhost", ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
}
