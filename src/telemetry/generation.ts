// Maps one finished exchange (plus the body it forwarded and the output it produced) to the
// Langfuse trace and generation bodies. Pure: no clock, no I/O. Promises: never a header,
// a query string or a key — only the forwarded (scrubbed) body, names, counts and timings;
// inputs over the cap become a cut string with a note; every event fits `eventBudget` bytes.
import { costParts, type Price } from "../metrics/pricing.ts";
import type { Usage } from "../metrics/usage.ts";
import type { Exchange } from "../proxy/exchange.ts";
import type { AssembledOutput } from "./output.ts";
import { modelParameters } from "./params.ts";

/** What the sink keeps of one exchange until it is sent. */
export interface TraceRecord {
  /** A copy of the finished exchange. */
  ex: Exchange;
  /** The forwarded body, at most the input cap. */
  body?: Uint8Array;
  /** Size of the whole forwarded body. */
  bodyBytes: number;
  output?: AssembledOutput;
}

export type Level = "DEBUG" | "DEFAULT" | "WARNING" | "ERROR";

export interface TraceBody {
  id: string;
  name: string;
  timestamp: Date;
  sessionId?: string;
  userId?: string;
  tags: string[];
  metadata: Record<string, unknown>;
}

export interface GenerationBody {
  id: string;
  traceId: string;
  name: string;
  startTime: Date;
  completionStartTime?: Date;
  endTime: Date;
  model?: string;
  modelParameters?: Record<string, string | number | boolean | string[] | null>;
  input?: unknown;
  output?: unknown;
  usageDetails?: Record<string, number>;
  costDetails?: Record<string, number>;
  level: Level;
  statusMessage?: string;
  metadata: Record<string, unknown>;
}

export interface BodyOptions {
  /** Price of the model that answered, when known: cost details are given per usage type. */
  price?: Price;
  /** Most bytes one generation event may take once serialised. */
  eventBudget: number;
}

const decoder = new TextDecoder();

/** The forwarded body as Langfuse should show it: parsed JSON when whole, else cut text. */
export function inputOf(body: Uint8Array | undefined, totalBytes: number): unknown {
  if (body === undefined || totalBytes === 0) return undefined;
  const text = decoder.decode(body);
  if (body.byteLength < totalBytes) return withNote(text, body.byteLength, totalBytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function withNote(text: string, kept: number, total: number): string {
  return `${text}\n[sluice: cut, ${kept} of ${total} bytes kept]`;
}

/** Traces group by endpoint: Gemini's model segment is replaced so names stay few. */
export function traceName(method: string, path: string): string {
  return `${method} ${path.replace(/\/models\/[^/:]+/, "/models/{model}")}`;
}

/**
 * Langfuse usage types: every key naming "input" sums to input, "output" to output. Anthropic's
 * 1-hour cache writes are their own type (input_cache_creation_1h, priced at 2x input), the rest
 * of the writes stay input_cache_creation.
 */
export function usageDetails(u: Usage): Record<string, number> {
  const reasoning = Math.min(u.reasoningTokens, u.outputTokens);
  const oneHour = Math.min(u.cacheWrite1hTokens ?? 0, u.cacheWriteTokens);
  return {
    input: u.inputTokens,
    input_cache_creation: u.cacheWriteTokens - oneHour,
    ...(oneHour > 0 ? { input_cache_creation_1h: oneHour } : {}),
    input_cache_read: u.cacheReadTokens,
    output: u.outputTokens - reasoning,
    ...(reasoning > 0 ? { output_reasoning: reasoning } : {}),
    total: u.inputTokens + u.cacheWriteTokens + u.cacheReadTokens + u.outputTokens,
  };
}

/** USD per usage type at a price (its long-context band when it applies); total matches the exchange's cost. */
export function costDetails(u: Usage, p: Price): Record<string, number> {
  const c = costParts(p, u);
  const reasoning = Math.min(u.reasoningTokens, u.outputTokens);
  const reasoningCost = u.outputTokens > 0 ? (c.output * reasoning) / u.outputTokens : 0;
  const parts: Record<string, number> = {
    input: c.input,
    input_cache_creation: c.cacheWrite5m,
    ...(c.cacheWrite1h > 0 ? { input_cache_creation_1h: c.cacheWrite1h } : {}),
    input_cache_read: c.cacheRead,
    output: c.output - reasoningCost,
    ...(reasoning > 0 ? { output_reasoning: reasoningCost } : {}),
  };
  let total = 0;
  for (const v of Object.values(parts)) total += v;
  return { ...parts, total };
}

/** ERROR with the reason on failures, WARNING for cut or abandoned answers. */
export function levelOf(ex: Exchange): { level: Level; statusMessage?: string } {
  if (ex.outcome === "error" || ex.status >= 400 || ex.upstreamError !== undefined) {
    return {
      level: "ERROR",
      statusMessage: ex.error ?? ex.upstreamError ?? `upstream answered ${ex.status}`,
    };
  }
  if (ex.outcome === "incomplete") {
    return { level: "WARNING", statusMessage: ex.error ?? "response ended before it was complete" };
  }
  if (ex.outcome === "client_closed")
    return { level: "WARNING", statusMessage: "client closed the connection" };
  return { level: "DEFAULT" };
}

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function generationMetadata(rec: TraceRecord, inputCut: boolean) {
  const { ex, output } = rec;
  return defined({
    request_id: ex.id,
    method: ex.method,
    path: ex.path,
    api: ex.api,
    upstream: ex.upstream,
    routed_to: ex.routedTo,
    fallback: ex.fallback,
    requested_model: ex.requestModel,
    upstream_model: ex.upstreamModel,
    client: ex.client,
    retries: ex.retries,
    status: ex.status,
    outcome: ex.outcome,
    stream: ex.stream,
    stop_reason: ex.stopReason,
    ttfb_ms: ex.ttfbMs === undefined ? undefined : Math.round(ex.ttfbMs),
    duration_ms: Math.round(ex.durationMs),
    bytes_in: ex.bytesIn,
    bytes_out: ex.bytesOut,
    // The forwarded body's whole size (after scrubbing or translation), even when cut.
    input_bytes: rec.bodyBytes,
    cost_usd: ex.costUsd,
    // The backend reported no usage: output tokens are sluice's tokenizer count.
    usage_estimated: ex.usage?.estimated || undefined,
    scrub_hits: ex.scrubHits,
    dropped_features: ex.dropped,
    input_truncated: inputCut || undefined,
    output_truncated: (output !== undefined && "truncated" in output) || undefined,
  });
}

/** Both bodies, and their serialised size (measured once, for batching). */
export interface LangfuseBodies {
  trace: TraceBody;
  generation: GenerationBody;
  bytes: number;
}

export function toLangfuseBodies(rec: TraceRecord, opts: BodyOptions): LangfuseBodies {
  const { ex } = rec;
  const name = traceName(ex.method, ex.path);
  const input = inputOf(rec.body, rec.bodyBytes);
  const inputCut = rec.body !== undefined && rec.body.byteLength < rec.bodyBytes;
  const params = modelParameters(inputCut ? undefined : input, ex.stream);
  const trace: TraceBody = {
    id: ex.id,
    name,
    timestamp: new Date(ex.startedAt),
    ...(ex.sessionId ? { sessionId: ex.sessionId } : {}),
    ...(ex.client ? { userId: ex.client } : {}),
    // "fallback" lets Langfuse filter the calls a route's fallback answered.
    tags: [...new Set([ex.api, ex.routedTo ?? ex.upstream, ...(ex.fallback ? ["fallback"] : [])])],
    metadata: defined({ request_id: ex.id, path: ex.path, upstream: ex.upstream, client: ex.client }),
  };
  const model = ex.upstreamModel ?? ex.model ?? ex.requestModel;
  const generation: GenerationBody = {
    id: `${ex.id}-gen`,
    traceId: ex.id,
    name,
    startTime: new Date(ex.startedAt),
    ...(ex.ttfbMs !== undefined ? { completionStartTime: new Date(ex.startedAt + ex.ttfbMs) } : {}),
    endTime: new Date(ex.startedAt + ex.durationMs),
    ...(model ? { model } : {}),
    ...(params ? { modelParameters: params } : {}),
    ...(input !== undefined ? { input } : {}),
    ...(rec.output !== undefined ? { output: rec.output } : {}),
    ...(ex.usage ? { usageDetails: usageDetails(ex.usage) } : {}),
    ...(ex.usage && opts.price ? { costDetails: costDetails(ex.usage, opts.price) } : {}),
    ...levelOf(ex),
    metadata: generationMetadata(rec, inputCut),
  };
  const fitted = fitEvent(generation, opts.eventBudget);
  return { trace, generation: fitted.generation, bytes: fitted.bytes + jsonBytes(trace) };
}

const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? "");

/** Cuts text to at most maxBytes of UTF-8 (a split character becomes U+FFFD). */
function cutText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  return bytes.byteLength <= maxBytes ? text : decoder.decode(bytes.subarray(0, Math.max(0, maxBytes)));
}

/**
 * Keeps one generation under the budget: output first gets at most a quarter of it, then the
 * input is cut to what remains (as text with a note). JSON escaping may grow cut text, so the
 * result is measured again and cut harder if needed.
 */
export function fitEvent(g: GenerationBody, budget: number): { generation: GenerationBody; bytes: number } {
  let out = g;
  let size = jsonBytes(out);
  for (let attempt = 0; attempt < 4 && size > budget; attempt++) {
    const shrink = 1 / 2 ** attempt;
    const fixed = jsonBytes({ ...out, input: undefined, output: undefined });
    const outputText = out.output === undefined ? "" : JSON.stringify(out.output);
    const outputRoom = Math.floor(((budget - fixed) / 4) * shrink);
    const output =
      out.output === undefined || Buffer.byteLength(outputText) <= outputRoom
        ? out.output
        : withNote(cutText(outputText, outputRoom), outputRoom, Buffer.byteLength(outputText));
    const inputText =
      out.input === undefined ? "" : typeof out.input === "string" ? out.input : JSON.stringify(out.input);
    const inputRoom = Math.floor((budget - fixed - jsonBytes(output)) * 0.7 * shrink);
    const input =
      out.input === undefined || Buffer.byteLength(inputText) <= inputRoom
        ? out.input
        : withNote(cutText(inputText, inputRoom), inputRoom, Buffer.byteLength(inputText));
    out = {
      ...out,
      input,
      output,
      metadata: {
        ...out.metadata,
        ...(input !== out.input ? { input_truncated: true } : {}),
        ...(output !== out.output ? { output_truncated: true } : {}),
      },
    };
    size = jsonBytes(out);
  }
  return { generation: out, bytes: size };
}
