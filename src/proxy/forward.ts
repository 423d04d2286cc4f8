// The proxy pipeline: one client request in, one upstream exchange out. Checks loops and
// the key gate, reads the body under its limits, prepares it for its upstream, sends with
// retries and relays the answer. Every sluice-made error is rendered in the client's API
// format; every exchange ends in exactly one finish().
import type { Server } from "bun";
import { isProxyError, proxyError } from "../errors.ts";
import { setField } from "../json/edit.ts";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "../json/tree.ts";
import { validateAnthropic } from "../routing/anthropic.ts";
import { listModels } from "../routing/models.ts";
import { buildPlan } from "../routing/plan.ts";
import { readBody } from "./body.ts";
import { keepsOwnCredentials } from "./client-credentials.ts";
import { createContext, type ProxyDeps, type RequestContext } from "./context.ts";
import { newExchange } from "./exchange.ts";
import { passGate } from "./gate-step.ts";
import { isLoop } from "./headers.ts";
import { guarded } from "./observe.ts";
import { requestProblem } from "./request-check.ts";
import { pickRoute, splitUrl } from "./route.ts";
import { walk } from "./walk.ts";

export type { ProxyDeps } from "./context.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** 16 KiB/s: a 32 MiB body may take about 35 minutes; anything slower is a slowloris. */
const MIN_UPLOAD_RATE = 16 * 1024;

export async function forward(
  req: Request,
  server: Server<unknown> | null,
  deps: ProxyDeps,
): Promise<Response> {
  const url = splitUrl(req.url);
  const route = pickRoute(req.method, url.path, req.headers.has("anthropic-version"));
  const ex = newExchange(req.method, url.path, route.api, route.upstream);
  ex.sessionId = req.headers.get("x-claude-code-session-id") ?? undefined;
  ex.traceparent = req.headers.get("traceparent") ?? undefined;
  for (const o of deps.observers) guarded("observer.onStart", deps.onObserverError, () => o.onStart?.(ex));
  const ctx = createContext(req, ex, route, url, deps);
  try {
    if (isLoop(req.headers, deps.via)) {
      return ctx.fail(
        proxyError(
          "loop_detected",
          "request already passed through this sluice (check the upstream base URL)",
        ),
      );
    }
    const problem = requestProblem(req.method, url.path, req.headers);
    if (problem) return ctx.fail(problem);
    if (deps.gate.enabled) {
      const name = passGate(deps.gate, deps.gateLimit, req, url.query, server);
      if (isProxyError(name)) return ctx.fail(name);
      ex.client = name;
      ctx.ownCredentials = keepsOwnCredentials(deps.gate, req.headers, url.query);
    }
    // The body's own timers (body.ts) guard the upload from here: Bun's idle timeout would close
    // a stalled connection without an answer; later, silence is upstream's (the read timeout).
    server?.timeout(req, 0);
    const body = await readBody(req, {
      maxBytes: deps.config.maxBodyBytes,
      graceMs: deps.config.clientTimeoutSec * 1000,
      minBytesPerSec: MIN_UPLOAD_RATE,
    });
    if (isProxyError(body)) return ctx.fail(body);
    ex.bytesIn = body.byteLength;
    ctx.setBody(body);
    if (nestedDeeperThan(body))
      return ctx.fail(proxyError("bad_request", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`));
    const refused = await deps.scrub?.apply(ctx);
    if (refused) return ctx.fail(refused);
    describeRequest(ctx);
    // Keys with budgets, limits or a model allow-list: a refused call never reaches upstream.
    const denied = deps.gateway ? await deps.gateway.admit(ex) : undefined;
    if (denied) return ctx.fail(denied);
    if (route.endpoint === "chat_completions") askForStreamUsage(ctx);
    const upstream = deps.config.upstreams[route.upstream];
    // api = "openai" routes: a Chat Completions request may go to another OpenAI-format
    // provider, and fall back along the route's list, relayed as it is.
    const chatMatch =
      route.endpoint === "chat_completions" && ex.requestModel !== undefined
        ? deps.router.match(ex.requestModel, "openai")
        : undefined;
    if (chatMatch)
      return await walk(ctx, buildPlan({ upstream, match: chatMatch, counting: false, clientApi: "openai" }));
    if (route.endpoint === "messages" || route.endpoint === "count_tokens") {
      const counting = route.endpoint === "count_tokens";
      const anthropic = validateAnthropic(ctx.json(), counting);
      if (isProxyError(anthropic)) return ctx.fail(anthropic);
      ex.requestModel = anthropic.request.model;
      const match = deps.router.match(anthropic.request.model);
      return await walk(ctx, buildPlan({ upstream, match, counting }), anthropic);
    }
    if (
      route.upstream === "anthropic" &&
      url.path === "/v1/models" &&
      deps.router.listedModels().length > 0
    ) {
      return await listModels(ctx, deps.router);
    }
    return await walk(ctx, buildPlan({ upstream, counting: false }));
  } catch (err) {
    if (req.signal.aborted) return ctx.fail(proxyError("client_closed", "client closed the connection"));
    return ctx.fail(
      proxyError("internal", `unexpected failure: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
}

/** Notes the requested model and streaming flag, for logs, metrics and telemetry. */
function describeRequest(ctx: RequestContext): void {
  const { ex, route } = ctx;
  if (route.api === "gemini") {
    const m = /\/models\/([^/:]+)/.exec(ctx.path);
    if (m?.[1]) ex.requestModel = decodeURIComponent(m[1]);
    ex.stream = ctx.path.includes(":streamGenerateContent");
  } else if (route.endpoint !== "other" || ctx.req.headers.get("content-type")?.includes("json")) {
    const json = ctx.json();
    if (typeof json === "object" && json !== null && !Array.isArray(json)) {
      const o = json as Record<string, unknown>;
      if (typeof o.model === "string") ex.requestModel = o.model;
      ex.stream = o.stream === true;
    }
  }
  ex.model = ex.requestModel;
}

/**
 * Streamed chat completions report usage only when asked (stream_options.include_usage);
 * sluice asks, so tokens and cost are known for every call. Anything unparsable is left
 * for upstream to judge.
 */
function askForStreamUsage(ctx: RequestContext): void {
  const json = ctx.json();
  if (typeof json !== "object" || json === null || Array.isArray(json)) return;
  const obj = json as Record<string, unknown>;
  if (obj.stream !== true) return;
  const opts =
    typeof obj.stream_options === "object" && obj.stream_options !== null ? obj.stream_options : {};
  if ((opts as Record<string, unknown>).include_usage === true) return;
  // Set by span: the rest of the body (numbers too) goes on as the client sent it.
  const text = setField(decoder.decode(ctx.body), ["stream_options", "include_usage"], "true");
  if (text !== undefined) ctx.setBody(encoder.encode(text));
}
