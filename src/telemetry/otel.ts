// OpenTelemetry traces: an ExchangeObserver that gives every proxied call one span by the
// GenAI semantic conventions and exports it over OTLP/HTTP through the bounded sender. A
// no-op without an endpoint. On the request path it only makes the span's ids (so the
// upstream request can carry them in traceparent) and notes a few request settings;
// attributes, content and protobuf are built in the background, per batch.
// Promises: nothing here waits on the collector or throws into the proxy; behind the key
// gate, calls that did not pass it are not exported (no unauthenticated writes into a team's
// traces); a parent that did not sample is propagated but not exported; content only with
// capture on, after scrubbing, with sluice's configured keys swept out.
import type { Config } from "../config/types.ts";
import type { Logger } from "../log.ts";
import type { Exchange } from "../proxy/exchange.ts";
import type { ExchangeObserver } from "../proxy/observe.ts";
import { VERSION } from "../version.ts";
import { type BuiltSpan, createCollectorClient } from "./otel-client.ts";
import { fitMessages, inputContent, outputMessages } from "./otel-content.ts";
import {
  createIdSource,
  formatTraceparent,
  type IdSource,
  type SpanContext,
  startContext,
} from "./otel-context.ts";
import { providerName, type RequestParams, requestParams, serverOf } from "./otel-genai.ts";
import { announce, estimatedBytes, outputChars, resourceOf, targetOf } from "./otel-parts.ts";
import { type SpanContent, type SpanRecord, toSpanData } from "./otel-span.ts";
import { type AssembledOutput, createOutputAssembler, type OutputAssembler } from "./output.ts";
import { configuredSecrets } from "./secrets.ts";
import { createSender, type TelemetryStats } from "./sender.ts";

export interface Otel {
  /** Present only when an endpoint is configured. */
  observer?: ExchangeObserver;
  /** Exports what is pending within the deadline (graceful shutdown); the rest is dropped and counted. */
  flush(deadlineMs: number): Promise<void>;
  stats(): TelemetryStats;
}

export interface OtelOptions {
  /** The live configuration (reloads change upstream URLs); default: the one given. */
  config?: () => Config;
  fetch?: typeof fetch;
  ids?: IdSource;
  /** Most spans waiting; default 2048 (the OpenTelemetry SDK's). */
  maxQueued?: number;
  maxQueuedBytes?: number;
  /** Most spans per export; default 512. */
  batchSize?: number;
  /** How long a part-full batch waits; default 1 s. */
  lingerMs?: number;
  requestTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** The semantic-conventions version whose names the spans use. */
export const SCHEMA_URL = "https://opentelemetry.io/schemas/1.41.0";
const NO_STATS: TelemetryStats = { queued: 0, sent: 0, dropped: 0, failed: 0 };
/** Room for ids, names and attributes next to captured content, in the queue's byte count. */
const OVERHEAD_BYTES = 1024;

interface Live {
  ctx: SpanContext;
  params?: RequestParams;
  body?: Uint8Array;
  out?: OutputAssembler;
}

/** A record waiting in the queue: the span, plus the raw content that is only parsed when built. */
interface Pending extends SpanRecord {
  body?: Uint8Array;
  /** The body was too large to hold: no input content. */
  bodyCut?: boolean;
  output?: AssembledOutput;
}

export function createOtel(config: Config, log: Logger, opts: OtelOptions = {}): Otel {
  const o = config.otel;
  if (o.tracesUrl === "") return { flush: async () => {}, stats: () => ({ ...NO_STATS }) };
  const live = opts.config ?? (() => config);
  const ids = opts.ids ?? createIdSource();
  const capture = o.captureContent;
  const cap = config.telemetryMaxBodyBytes;
  // A body far beyond what a span keeps is not held at all.
  const bodyCap = Math.max(8 * cap, 1024 * 1024);
  // Short values (a header like "4") are not secrets, and sweeping them would mangle text.
  const secrets = configuredSecrets(config).filter((s) => s.length >= 8);
  const timeOrigin = performance.timeOrigin;

  const sweep = (text: string | undefined) => {
    if (text === undefined) return undefined;
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.replaceAll(s, "[redacted]");
    return out;
  };

  const contentOf = (rec: Pending): SpanContent | undefined => {
    if (!capture) return undefined;
    let parsed: unknown;
    if (rec.body) {
      try {
        parsed = JSON.parse(new TextDecoder().decode(rec.body));
      } catch {
        parsed = undefined;
      }
      rec.params ??= requestParams(parsed);
    }
    const input = inputContent(parsed);
    const finish = rec.ex.stopReason ?? (rec.ex.outcome === "ok" ? "stop" : "error");
    const system = input?.system ? JSON.stringify(input.system) : undefined;
    const fitIn = input ? fitMessages(input.messages, cap) : undefined;
    const out = outputMessages(rec.output, finish);
    const fitOut = out.length > 0 ? fitMessages(out, cap) : undefined;
    const tooBig = system !== undefined && Buffer.byteLength(system) > cap;
    return {
      ...(system !== undefined && !tooBig ? { system: sweep(system) } : {}),
      ...(fitIn ? { input: sweep(fitIn.json) } : {}),
      ...(fitOut ? { output: sweep(fitOut.json) } : {}),
      cut: tooBig || fitIn?.cut === true || fitOut?.cut === true || rec.bodyCut === true,
    };
  };

  const build = (rec: Pending): BuiltSpan => {
    let content: SpanContent | undefined;
    try {
      content = contentOf(rec);
    } catch {
      content = { cut: true }; // Never expected; a span without content beats losing it.
    }
    const span = toSpanData({ ...rec, ...(content ? { content } : {}) }, timeOrigin);
    return { span, bytes: estimatedBytes(span) };
  };

  const client = createCollectorClient({
    url: o.tracesUrl,
    headers: o.headers,
    resource: resourceOf(config),
    scope: { name: "sluice", version: VERSION, schemaUrl: SCHEMA_URL },
    timeoutMs: opts.requestTimeoutMs ?? 10_000,
    fetch: opts.fetch ?? fetch,
  });
  const sender = createSender<Pending, BuiltSpan>({
    client,
    build,
    log,
    sink: "otel collector",
    unit: "spans",
    maxQueued: opts.maxQueued ?? 2048,
    maxQueuedBytes: opts.maxQueuedBytes ?? 64 * 1024 * 1024,
    batchSize: opts.batchSize ?? 512,
    batchBytes: 4 * 1024 * 1024,
    lingerMs: opts.lingerMs ?? 1000,
    retryBaseMs: opts.retryBaseMs ?? 1000,
    retryMaxMs: opts.retryMaxMs ?? 30_000,
  });
  announce(log, o.tracesUrl, capture);

  // Keyed by the live Exchange object; an exchange that never ends cannot leak.
  const spans = new WeakMap<Exchange, Live>();
  const observer: ExchangeObserver = {
    onStart(ex) {
      const ctx = startContext(ex.traceparent, ids);
      ex.upstreamTraceparent = formatTraceparent(ctx);
      spans.set(ex, { ctx });
    },
    onRequest(ex, body, json) {
      const l = spans.get(ex);
      if (!l) return;
      // Parsed already for Anthropic and OpenAI requests; Gemini's is read when built, if at all.
      if (json && ex.api !== "gemini") l.params = requestParams(json());
      if (capture) l.body = body.byteLength <= bodyCap ? body : new Uint8Array(0);
    },
    onResponse(ex) {
      const l = spans.get(ex);
      if (!l || !capture) return undefined;
      l.out = createOutputAssembler(cap);
      return l.out;
    },
    onEnd(ex) {
      const l = spans.get(ex);
      spans.delete(ex);
      if (!l?.ctx.sampled) return;
      const cfg = live();
      // Behind the key gate only callers that passed it are traced (a refusal, a lockout or
      // anything refused before the gate leaves no span).
      if (cfg.apiKeys.length > 0 && ex.client === undefined) return;
      const target = targetOf(cfg, ex);
      const host = serverOf(target.baseUrl);
      const rec: Pending = {
        ex: { ...ex },
        ctx: l.ctx,
        provider: providerName(target.api, host?.address ?? "", target.preset),
        ...(host ? { server: host } : {}),
        ...(l.params ? { params: l.params } : {}),
        ...(l.body && l.body.byteLength > 0 ? { body: l.body } : {}),
        ...(l.body && l.body.byteLength === 0 ? { bodyCut: true } : {}),
      };
      const output = l.out?.result();
      if (output !== undefined) rec.output = output;
      sender.enqueue(rec, OVERHEAD_BYTES + (l.body?.byteLength ?? 0) + outputChars(output));
    },
  };
  return { observer, flush: (ms) => sender.flush(ms), stats: () => sender.stats() };
}
