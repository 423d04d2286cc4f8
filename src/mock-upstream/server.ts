// Owns the mock upstream's HTTP shell: Bun.serve, reading and recording each request, applying
// the request-level knobs (redirect, fault table, status sequence, latency) and the /__mock/*
// introspection routes. Promises: every response carries x-mock-upstream: 1 and x-request-id; a client that
// leaves (during the latency wait or mid-stream) is recorded as aborted and stops all timers.
//
// idleTimeout is 0 (no idle limit) on purpose: this is a test tool whose streams may pause for
// minutes (x-mock-gap-ms) and must not be cut by Bun's 10 s default. Do not expose it publicly.

import { defaultMessage, errorBody } from "./errors.ts";
import { FaultTable, parseFaults, presentedKey } from "./faults.ts";
import { type HandlerContext, type MockResult, mockId } from "./handler.ts";
import { parseKnobs, StatusSequences } from "./knobs.ts";
import { RequestLog } from "./request-log.ts";
import { type Delivery, jsonResponse, streamResponse } from "./respond.ts";
import { matchRoute, type Route } from "./routes.ts";
import type { Knobs, MockOptions, MockServer } from "./types.ts";

export const DEFAULT_PORT = 8787;
const RETRY_AFTER_STATUSES = new Set([429, 503, 529]);
const NO_BODY_STATUSES = new Set([204, 205, 304]);
/** Knobs used to answer a request whose x-mock-* headers do not parse: deliver the 400 plainly. */
const PLAIN_KNOBS: Knobs = { latencyMs: 0, gapMs: 0, events: 1, key: "", gzip: false, cache: "auto" };

interface State {
  opts: MockOptions;
  log: RequestLog;
  sequences: StatusSequences;
  faults: FaultTable;
}

export function startMockUpstream(opts: MockOptions = {}): MockServer {
  const state: State = {
    opts,
    log: new RequestLog(),
    sequences: new StatusSequences(),
    faults: new FaultTable(),
  };
  let seq = 0;
  const server = Bun.serve({
    port: opts.port ?? DEFAULT_PORT,
    hostname: opts.hostname ?? "127.0.0.1",
    idleTimeout: 0,
    fetch: (req) => handle(req, state, ++seq),
    error: () =>
      Response.json(
        { error: { message: "mock upstream internal error" } },
        { status: 500, headers: { "x-mock-upstream": "1", "x-request-id": mockId("req_", 0) } },
      ),
  });
  const port = server.port ?? 0;
  return {
    url: `http://${urlHost(opts.hostname ?? "127.0.0.1")}:${port}`,
    port,
    get requests() {
      return state.log.entries;
    },
    stop: async () => {
      await server.stop(true);
    },
  };
}

/** The host to put in a URL: wildcard addresses become loopback, IPv6 gets brackets. */
export function urlHost(hostname: string): string {
  if (hostname === "0.0.0.0") return "127.0.0.1";
  if (hostname === "::" || hostname === "[::]") return "[::1]";
  return hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
}

async function handle(req: Request, state: State, seq: number): Promise<Response> {
  const now = Date.now();
  const requestId = mockId("req_", seq);
  const url = new URL(req.url);
  const headers = new Headers({ "x-mock-upstream": "1", "x-request-id": requestId });
  if (url.pathname.startsWith("/__mock/")) return await introspect(req, url.pathname, state, headers);

  const route = matchRoute(req.method, url.pathname, req.headers);
  if (route.flavor === "anthropic") headers.set("request-id", requestId);
  const text = await readBody(req);
  const entry = state.log.record(req, url, requestId, text ?? "", now);
  const parsed = parseKnobs(req.headers, state.opts);
  const knobs = parsed.ok ? parsed.knobs : PLAIN_KNOBS;
  const ctx: HandlerContext = {
    body: undefined,
    url,
    headers: req.headers,
    params: {},
    knobs,
    seq,
    requestId,
    now,
  };
  const result = parsed.ok ? decide(route, text, ctx, state) : failure(route, 400, parsed.message, requestId);

  if (!(await delay(knobs.latencyMs, req.signal))) {
    entry.aborted = true;
    entry.status = 499;
    return new Response(null, { status: 499, headers });
  }
  const delivery: Delivery = {
    status: result.status ?? 200,
    headers,
    knobs,
    signal: req.signal,
    onEnd: (outcome) => {
      if (outcome === "aborted") entry.aborted = true;
    },
  };
  entry.status = delivery.status;
  if (result.kind === "json")
    for (const [name, value] of Object.entries(result.headers ?? {})) headers.set(name, value);
  if (NO_BODY_STATUSES.has(delivery.status)) return new Response(null, { status: delivery.status, headers });
  if (result.kind === "stream") return streamResponse(result.plan, route.flavor, delivery);
  return jsonResponse(result.body, delivery);
}

/** What to answer, in order: redirect, fault table, scripted status, routing errors, the API handler. */
function decide(route: Route, text: string | undefined, ctx: HandlerContext, state: State): MockResult {
  const { knobs, requestId } = ctx;
  if (knobs.redirect !== undefined) {
    return {
      kind: "json",
      status: 302,
      body: { redirect: knobs.redirect },
      headers: { location: knobs.redirect },
    };
  }
  const fault = state.faults.next({
    key: presentedKey(ctx.headers),
    model: modelOf(route, text),
    path: ctx.url.pathname,
  });
  const status = fault?.status ?? state.sequences.next(knobs);
  const retryAfter = fault ? fault.retryAfter : knobs.retryAfter;
  if (status !== undefined && (status < 200 || status > 299)) {
    const result = failure(route, status, defaultMessage(status), requestId);
    if (retryAfter !== undefined && RETRY_AFTER_STATUSES.has(status) && result.kind === "json") {
      result.headers = { "retry-after": retryAfter };
    }
    return result;
  }
  if (route.kind === "not_found") return failure(route, 404, `Not found: ${ctx.url.pathname}`, requestId);
  if (route.kind === "method_not_allowed") {
    return { ...failure(route, 405, "Method not allowed", requestId), headers: { allow: route.allow } };
  }
  if (text === undefined) return failure(route, 400, "could not decode the gzip request body", requestId);
  const body = route.post ? parseJson(text) : undefined;
  if (route.post && body === undefined) {
    return failure(route, 400, "There was an error parsing the body of your request as JSON", requestId);
  }
  const result = route.handler({ ...ctx, body, params: route.params });
  if (status === undefined || status === 200 || (result.kind === "json" && result.status !== 200))
    return result;
  return { ...result, status };
}

function failure(
  route: Route,
  status: number,
  message: string,
  requestId: string,
): MockResult & { kind: "json" } {
  return { kind: "json", status, body: errorBody(route.flavor, status, message, requestId) };
}

/** The body text; gzip bodies are decoded; undefined when they do not decode. */
async function readBody(req: Request): Promise<string | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return "";
  if (req.headers.get("content-encoding")?.toLowerCase() !== "gzip") return req.text();
  try {
    return new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await req.arrayBuffer())));
  } catch {
    return undefined;
  }
}

/** The model a request asks for: the body's `model`, or Gemini's path parameter. */
function modelOf(route: Route, text: string | undefined): string | undefined {
  if (route.kind === "handler" && route.params.model) return route.params.model;
  if (text === undefined || !text.includes('"model"')) return undefined;
  const model = (parseJson(text) as { model?: unknown } | undefined)?.model;
  return typeof model === "string" ? model : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Resolves true after `ms`, or false as soon as the client goes away. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal.aborted);
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function introspect(req: Request, path: string, state: State, headers: Headers): Promise<Response> {
  const reply = (body: unknown, status = 200) => Response.json(body, { status, headers });
  const method = req.method === "HEAD" ? "GET" : req.method;
  if (path === "/__mock/requests") {
    return method === "GET"
      ? reply({ requests: state.log.entries })
      : reply({ error: { message: "use GET" } }, 405);
  }
  if (path === "/__mock/reset") {
    if (method !== "POST") return reply({ error: { message: "use POST" } }, 405);
    state.log.clear();
    state.sequences.reset();
    state.faults.reset();
    return reply({ ok: true });
  }
  if (path === "/__mock/faults") {
    if (method === "GET") return reply({ faults: state.faults.faults });
    if (method !== "POST") return reply({ error: { message: "use GET or POST" } }, 405);
    const parsed = parseFaults(parseJson(await req.text()));
    if (!parsed.ok) return reply({ error: { message: parsed.message } }, 400);
    state.faults.set(parsed.faults);
    return reply({ ok: true, faults: parsed.faults.length });
  }
  return reply({ error: { message: `Not found: ${path}` } }, 404);
}
