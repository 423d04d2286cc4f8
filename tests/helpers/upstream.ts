// A minimal programmable upstream for cases the mock upstream does not cover: each test
// passes its own handler and can inspect every request it received.
import type { Server } from "bun";

export interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  /** The body's bytes as they arrived. */
  bytes: Uint8Array;
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
      const bytes = new Uint8Array(await req.arrayBuffer());
      const body = new TextDecoder().decode(bytes);
      const s: Seen = { method: req.method, url: req.url, headers: req.headers, body, bytes };
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

/** The credential a request carries (Bearer, x-api-key or x-goog-api-key); "" when none. */
export function keyOf(headers: Headers): string {
  const auth = headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  return headers.get("x-api-key") ?? headers.get("x-goog-api-key") ?? "";
}

/** An answer in a fault script: a status (with an Anthropic-style error body) or a whole Response. */
export type Scripted = number | { status: number; retryAfter?: string } | (() => Response);

/** A Response for one scripted answer. */
export function scripted(answer: Scripted): Response {
  if (typeof answer === "function") return answer();
  const { status, retryAfter } =
    typeof answer === "number" ? { status: answer, retryAfter: undefined } : answer;
  const type = status === 429 ? "rate_limit_error" : status === 401 ? "authentication_error" : "api_error";
  return Response.json(
    { type: "error", error: { type, message: `scripted ${status}` } },
    { status, headers: retryAfter ? { "retry-after": retryAfter } : {} },
  );
}

/**
 * A handler that fails on command per key: each key's answers are used in order (the last one
 * repeats); keys without a script, and the end of a script saying 200, get `ok`.
 */
export function byKey(
  script: Record<string, Scripted[]>,
  ok: (req: Request, seen: Seen) => Response | Promise<Response>,
): (req: Request, seen: Seen) => Response | Promise<Response> {
  const counts = new Map<string, number>();
  return (req, seen) => {
    const key = keyOf(req.headers);
    const answers = script[key];
    if (!answers || answers.length === 0) return ok(req, seen);
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    const answer = answers[Math.min(n, answers.length - 1)]!;
    return answer === 200 ? ok(req, seen) : scripted(answer);
  };
}

/** Sets the fault table of a `sluice mock-upstream` (in process or the binary's), by key, model or path. */
export function setMockFaults(mockUrl: string, faults: unknown[]): Promise<Response> {
  return fetch(`${mockUrl}/__mock/faults`, { method: "POST", body: JSON.stringify({ faults }) });
}
