// One finished exchange as one OpenTelemetry span, named and attributed by the GenAI semantic
// conventions (v1.41 names; see docs/DECISIONS.md) plus sluice.* attributes. Pure: no clock,
// no I/O. Promises: never a header value, a query string or a key; prompt and answer text only
// when the record carries captured (scrubbed) content; an inference call is named
// "{operation} {model}", anything else "{METHOD} {path}".
import type { Exchange } from "../proxy/exchange.ts";
import { traceName } from "./generation.ts";
import type { SpanContext } from "./otel-context.ts";
import { errorType, openAiApiType, operationOf, type RequestParams, type Server } from "./otel-genai.ts";
import {
  type AnyValue,
  FLAG_HAS_IS_REMOTE,
  FLAG_IS_REMOTE,
  type KeyValue,
  SPAN_KIND_CLIENT,
  type SpanData,
  STATUS_ERROR,
  STATUS_UNSET,
} from "./otel-proto.ts";

/** Captured content, already as the JSON text the attributes carry. */
export interface SpanContent {
  system?: string;
  input?: string;
  output?: string;
  /** Something was left out to fit the byte budget. */
  cut: boolean;
}

/** What the exporter keeps of one exchange until it is encoded. */
export interface SpanRecord {
  /** A copy of the finished exchange. */
  ex: Exchange;
  ctx: SpanContext;
  traceState?: string;
  params?: RequestParams;
  server?: Server;
  /** gen_ai.provider.name. */
  provider: string;
  content?: SpanContent;
}

/** Nanoseconds since the epoch from a performance.now() reading (BigInt: past 2^53). */
export function epochNs(timeOrigin: number, at: number): bigint {
  const ms = timeOrigin + at;
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

class Attrs {
  readonly list: KeyValue[] = [];
  private put(key: string, value: AnyValue): void {
    this.list.push({ key, value });
  }
  str(key: string, v: string | undefined): void {
    if (v !== undefined && v !== "") this.put(key, { s: v });
  }
  int(key: string, v: number | undefined): void {
    if (v !== undefined && Number.isFinite(v)) this.put(key, { i: Math.round(v) });
  }
  /** Counts are sent when non-zero only, as the conventions ask for the breakdowns. */
  count(key: string, v: number | undefined): void {
    if (v) this.int(key, v);
  }
  dbl(key: string, v: number | undefined): void {
    if (v !== undefined && Number.isFinite(v)) this.put(key, { d: v });
  }
  bool(key: string, v: boolean | undefined): void {
    if (v !== undefined) this.put(key, { b: v });
  }
  strs(key: string, v: string[] | undefined): void {
    if (v !== undefined && v.length > 0) this.put(key, { a: v });
  }
}

function finishReasons(ex: Exchange): string[] | undefined {
  if (ex.stopReason) return [ex.stopReason];
  // An answer had begun but never said why it stopped: the conventions report "error".
  if (ex.status >= 200 && ex.status < 300 && ex.outcome !== "ok") return ["error"];
  return undefined;
}

function genAi(a: Attrs, rec: SpanRecord, operation: string): void {
  const { ex, params: p } = rec;
  a.str("gen_ai.operation.name", operation);
  a.str("gen_ai.provider.name", rec.provider);
  a.str("gen_ai.request.model", ex.upstreamModel ?? ex.requestModel);
  // A routed answer is translated and names the client's model, not the backend's.
  if (ex.routedTo === undefined && ex.status < 400) a.str("gen_ai.response.model", ex.model);
  a.str("gen_ai.response.id", ex.responseId);
  a.strs("gen_ai.response.finish_reasons", finishReasons(ex));
  if (ex.stream) a.bool("gen_ai.request.stream", true);
  a.str("gen_ai.conversation.id", ex.sessionId);
  if (p) {
    a.int("gen_ai.request.max_tokens", p.maxTokens);
    a.dbl("gen_ai.request.temperature", p.temperature);
    a.dbl("gen_ai.request.top_p", p.topP);
    a.dbl("gen_ai.request.top_k", p.topK);
    a.strs("gen_ai.request.stop_sequences", p.stopSequences);
    a.dbl("gen_ai.request.frequency_penalty", p.frequencyPenalty);
    a.dbl("gen_ai.request.presence_penalty", p.presencePenalty);
    a.int("gen_ai.request.seed", p.seed);
    if (p.choiceCount !== 1) a.int("gen_ai.request.choice.count", p.choiceCount);
  }
  const u = ex.usage;
  if (u) {
    // The conventions count cached tokens inside input_tokens (sluice's Usage keeps them apart).
    a.int("gen_ai.usage.input_tokens", u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens);
    a.int("gen_ai.usage.output_tokens", u.outputTokens);
    a.count("gen_ai.usage.cache_read.input_tokens", u.cacheReadTokens);
    a.count("gen_ai.usage.cache_creation.input_tokens", u.cacheWriteTokens);
    a.count("gen_ai.usage.reasoning.output_tokens", u.reasoningTokens);
  }
  if (ex.stream && ex.ttfbMs !== undefined) a.dbl("gen_ai.response.time_to_first_chunk", ex.ttfbMs / 1000);
  if (ex.api === "openai") a.str("openai.api.type", openAiApiType(ex.path));
}

function sluice(a: Attrs, ex: Exchange): void {
  a.str("sluice.request_id", ex.id);
  a.str("sluice.upstream", ex.upstream);
  a.str("sluice.fallback", ex.fallback);
  if (ex.routedTo !== undefined && ex.requestModel !== ex.upstreamModel)
    a.str("sluice.requested_model", ex.requestModel);
  a.str("sluice.key_name", ex.client);
  a.str("sluice.outcome", ex.outcome);
  a.count("sluice.retries", ex.retries);
  a.dbl("sluice.cost_usd", ex.costUsd);
  a.dbl("sluice.ttfb_ms", ex.ttfbMs === undefined ? undefined : Math.round(ex.ttfbMs * 1000) / 1000);
  const hits = Object.entries(ex.scrubHits ?? {}).filter(([, n]) => n > 0);
  if (hits.length > 0) {
    a.int(
      "sluice.scrub_hits",
      hits.reduce((sum, [, n]) => sum + n, 0),
    );
    a.strs("sluice.scrub_kinds", hits.map(([kind]) => kind).sort());
  }
  a.strs("sluice.dropped", ex.dropped);
}

export function toSpanData(rec: SpanRecord, timeOrigin: number): SpanData {
  const { ex, ctx } = rec;
  const a = new Attrs();
  const operation = operationOf(ex.api, ex.method, ex.path);
  const model = ex.upstreamModel ?? ex.requestModel;
  if (operation) genAi(a, rec, operation);
  a.str("server.address", rec.server?.address);
  if (rec.server) a.int("server.port", rec.server.port);
  a.str("http.request.method", ex.method);
  if (ex.status > 0) a.int("http.response.status_code", ex.status);
  const error = errorType(ex);
  a.str("error.type", error);
  a.str("user.id", ex.client);
  a.str("session.id", ex.sessionId);
  sluice(a, ex);
  if (rec.content) {
    a.str("gen_ai.system_instructions", rec.content.system);
    a.str("gen_ai.input.messages", rec.content.input);
    a.str("gen_ai.output.messages", rec.content.output);
    if (rec.content.cut) a.bool("sluice.content_truncated", true);
  }
  const start = epochNs(timeOrigin, ex.t0);
  const remote = ctx.parentSpanId ? FLAG_HAS_IS_REMOTE | FLAG_IS_REMOTE : FLAG_HAS_IS_REMOTE;
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(ctx.parentSpanId ? { parentSpanId: ctx.parentSpanId } : {}),
    ...(rec.traceState ? { traceState: rec.traceState } : {}),
    flags: (ctx.flags & 0xff) | remote,
    name: operation ? (model ? `${operation} ${model}` : operation) : traceName(ex.method, ex.path),
    kind: SPAN_KIND_CLIENT,
    startNs: start,
    endNs: start + BigInt(Math.max(0, Math.round(ex.durationMs * 1e6))),
    attributes: a.list,
    status:
      error === undefined
        ? { code: STATUS_UNSET }
        : { code: STATUS_ERROR, message: ex.error ?? ex.upstreamError ?? `upstream answered ${ex.status}` },
  };
}
