// A minimal programmable upstream for cases the mock upstream does not cover: each test
// passes its own handler and can inspect every request it received.
import type { Server } from "bun";

export interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

export interface TestUpstream {
  url: string;
  seen: Seen[];
  server: Server<undefined>;
  stop(): Promise<void>;
}

export function startUpstream(
  handler: (req: Request, seen: Seen) => Response | Promise<Response>,
): TestUpstream {
  const seen: Seen[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const s: Seen = { method: req.method, url: req.url, headers: req.headers, body: await req.text() };
      seen.push(s);
      return handler(req, s);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    seen,
    server,
    stop: () => server.stop(true),
  };
}
