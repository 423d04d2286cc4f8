// The proxy handler: one client request in, one upstream exchange out. Reads the body
// under the cap, checks the key gate and loops, builds upstream headers, sends with retries
// and relays the answer unbuffered. Every sluice-made error is rendered in the client's API
// format; every exchange ends in exactly one onEnd call.
import type { Server } from "bun";
import type { Config } from "../config/types.ts";
import { isProxyError, type ProxyError, proxyError, renderError } from "../errors.ts";
import type { KeyGate } from "./auth.ts";
import { readBody } from "./body.ts";
import { type Exchange, newExchange } from "./exchange.ts";
import { clientResponseHeaders, isLoop, upstreamRequestHeaders } from "./headers.ts";
import type { FetchFn } from "./http-client.ts";
import type { Reachability } from "./reachability.ts";
import { relay } from "./relay.ts";
import { dropQueryKey, pickRoute, splitUrl, upstreamUrl } from "./route.ts";
import { sendWithRetries } from "./send.ts";

export interface ProxyDeps {
  config: Config;
  fetch: FetchFn;
  gate: KeyGate;
  reach: Reachability;
  /** This process's Via token: "1.1 sluice-<random>". */
  via: string;
  random: () => number;
  onEnd: (ex: Exchange) => void;
}

const encoder = new TextEncoder();
/** 16 KiB/s: a 32 MiB body may take about 35 minutes; anything slower is a slowloris. */
const MIN_UPLOAD_RATE = 16 * 1024;

export async function forward(
  req: Request,
  server: Server<unknown> | null,
  deps: ProxyDeps,
): Promise<Response> {
  const { path, query } = splitUrl(req.url);
  const route = pickRoute(req.method, path, req.headers.has("anthropic-version"));
  const ex = newExchange(req.method, path, route.api, route.upstream);
  ex.sessionId = req.headers.get("x-claude-code-session-id") ?? undefined;
  const finish = () => {
    ex.durationMs = performance.now() - ex.t0;
    deps.onEnd(ex);
  };
  const fail = (err: ProxyError): Response => {
    ex.status = err.status;
    ex.outcome = err.kind === "client_closed" ? "client_closed" : "error";
    ex.error = err.message;
    ex.ttfbMs = performance.now() - ex.t0;
    finish();
    // A client cut off mid-upload must not keep the connection: close it after the answer.
    const close = err.kind === "request_timeout" || err.kind === "payload_too_large";
    return renderError(route.api, err, {
      "x-sluice-request-id": ex.id,
      ...(close ? { connection: "close" } : {}),
    });
  };

  try {
    if (isLoop(req.headers, deps.via)) {
      return fail(
        proxyError(
          "loop_detected",
          "request already passed through this sluice (check the upstream base URL)",
        ),
      );
    }
    if (deps.gate.enabled) {
      const name = deps.gate.check(req.headers, query);
      if (name === undefined) {
        return fail(
          proxyError(
            "unauthorized",
            "missing or invalid sluice API key (Authorization: Bearer, x-api-key or x-goog-api-key)",
          ),
        );
      }
      ex.client = name;
    }

    const body = await readBody(req, {
      maxBytes: deps.config.maxBodyBytes,
      graceMs: deps.config.clientTimeoutSec * 1000,
      minBytesPerSec: MIN_UPLOAD_RATE,
    });
    if (isProxyError(body)) return fail(body);
    ex.bytesIn = body.byteLength;
    // From here on silence is upstream's, bounded by the read timeout, not the idle timeout.
    server?.timeout(req, 0);

    let outBody: Uint8Array = body;
    if (route.endpoint === "chat_completions") outBody = withStreamUsage(body);

    const upstream = deps.config.upstreams[route.upstream];
    const stripKeys = deps.gate.enabled || upstream.apiKey !== "";
    const url = upstreamUrl(upstream.baseUrl, path + (stripKeys ? dropQueryKey(query) : query));
    const headers = upstreamRequestHeaders(req.headers, {
      upstream,
      stripClientKeys: deps.gate.enabled,
      via: deps.via,
    });
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const result = await sendWithRetries(
      {
        fetch: deps.fetch,
        reach: deps.reach,
        random: deps.random,
        retryMax: deps.config.retryMax,
        readTimeoutMs: deps.config.readTimeoutMs,
      },
      { url, method: req.method, headers, body: hasBody ? outBody : null },
      { name: upstream.name, baseUrl: upstream.baseUrl, host: new URL(upstream.baseUrl).host },
      req.signal,
    );
    ex.retries = result.retries;
    if (!result.ok) return fail(result.error);
    const sent = result.sent;
    const res = sent.response;
    ex.status = res.status;
    if (res.status >= 500) ex.outcome = "error";
    const outHeaders = clientResponseHeaders(res.headers, ex.id);
    if (res.body === null || req.method === "HEAD") {
      sent.release();
      ex.ttfbMs = performance.now() - ex.t0;
      finish();
      return new Response(null, { status: res.status, statusText: res.statusText, headers: outHeaders });
    }
    const stream = relay(res.body, {
      readTimeoutMs: deps.config.readTimeoutMs,
      abortUpstream: sent.abort,
      onChunk: (c) => {
        if (ex.ttfbMs === undefined) ex.ttfbMs = performance.now() - ex.t0;
        void c;
      },
      onEnd: (end, bytes) => {
        sent.release();
        ex.bytesOut = bytes;
        if (end === "client_closed") ex.outcome = "client_closed";
        else if (end !== "complete") {
          ex.outcome = "incomplete";
          ex.error =
            end === "read_timeout"
              ? "upstream went silent (read timeout)"
              : "upstream stream ended abnormally";
        }
        finish();
      },
    });
    return new Response(stream, { status: res.status, statusText: res.statusText, headers: outHeaders });
  } catch (err) {
    if (req.signal.aborted) return fail(proxyError("client_closed", "client closed the connection"));
    return fail(
      proxyError("internal", `unexpected failure: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
}

/**
 * Streamed chat completions report usage only when asked (stream_options.include_usage);
 * sluice asks, so tokens and cost are known for every call. Anything unparsable is left
 * for upstream to judge.
 */
export function withStreamUsage(body: Uint8Array): Uint8Array {
  if (body.byteLength === 0) return body;
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(body));
    if (typeof json !== "object" || json === null || Array.isArray(json)) return body;
    const obj = json as Record<string, unknown>;
    if (obj.stream !== true) return body;
    const opts = (typeof obj.stream_options === "object" && obj.stream_options) || {};
    if ((opts as Record<string, unknown>).include_usage === true) return body;
    obj.stream_options = { ...opts, include_usage: true };
    return encoder.encode(JSON.stringify(obj));
  } catch {
    return body;
  }
}
