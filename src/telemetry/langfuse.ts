// Langfuse traces for every forwarded call: an ExchangeObserver that keeps the forwarded body
// (cut at SLUICE_TELEMETRY_MAX_BODY_BYTES) and assembles the output on the side path, then hands
// the finished exchange to a bounded sender. A no-op without keys. Promises: nothing here waits
// on Langfuse or throws into the proxy; calls sluice refused itself (bad key, too large, loop)
// are not traced; headers, query strings and keys are never part of a trace.
import type { Config } from "../config/types.ts";
import type { Logger } from "../log.ts";
import { createPricing, type Pricing } from "../metrics/pricing.ts";
import type { Exchange } from "../proxy/exchange.ts";
import type { ExchangeObserver } from "../proxy/observe.ts";
import { VERSION } from "../version.ts";
import { createIngestionClient } from "./client.ts";
import { type LangfuseBodies, type TraceRecord, toLangfuseBodies } from "./generation.ts";
import { createOutputAssembler, type OutputAssembler } from "./output.ts";
import { configuredSecrets } from "./secrets.ts";
import { createSender, type TelemetryStats } from "./sender.ts";

export type { TelemetryStats } from "./sender.ts";

export interface Telemetry {
  /** Present only when Langfuse is configured. */
  observer?: ExchangeObserver;
  /** Sends what is pending within the deadline (graceful shutdown); the rest is dropped and counted. */
  flush(deadlineMs: number): Promise<void>;
  stats(): TelemetryStats;
}

export interface TelemetryOptions {
  /** The app's price table (with config overrides), for cost details. */
  pricing?: Pricing;
  fetch?: typeof fetch;
  /** Most traces waiting for Langfuse; default 1000. */
  maxQueued?: number;
  /** Most bytes of bodies waiting for Langfuse; default 64 MiB. */
  maxQueuedBytes?: number;
  /** Most traces per ingestion request; default 50. */
  batchSize?: number;
  /** Per ingestion request; default 10 s. */
  requestTimeoutMs?: number;
  /** First wait after a failed send (doubling up to retryMaxMs); default 1 s and 30 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

// The SDK drops a single event over 1,000,000 bytes and splits (noisily) batches over 2,500,000.
const EVENT_BUDGET = 900_000;
const BATCH_BUDGET = 2_000_000;
/** What Langfuse accepts as an environment name. */
const ENVIRONMENT = /^(?!langfuse)[a-z0-9_-]+$/;
/** Room for names, timings and metadata next to input and output, in the queue's byte count. */
const OVERHEAD_BYTES = 2048;

const NO_STATS: TelemetryStats = { queued: 0, sent: 0, dropped: 0, failed: 0 };

interface Live {
  body?: Uint8Array;
  bodyBytes: number;
  out?: OutputAssembler;
}

const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? "");

export function createTelemetry(config: Config, log: Logger, opts: TelemetryOptions = {}): Telemetry {
  const lf = config.langfuse;
  if (lf.publicKey === "" || lf.secretKey === "") {
    return { flush: async () => {}, stats: () => ({ ...NO_STATS }) };
  }
  let environment = lf.environment === "" ? "default" : lf.environment;
  if (!ENVIRONMENT.test(environment)) {
    log.warn('langfuse environment must be lower-case letters, digits, "-" or "_"; using "default"', {
      environment,
    });
    environment = "default";
  }
  const pricing = opts.pricing ?? createPricing();
  const cap = config.telemetryMaxBodyBytes;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const problems = new Set<string>();

  const client = createIngestionClient({
    baseUrl: lf.baseUrl,
    publicKey: lf.publicKey,
    secretKey: lf.secretKey,
    environment,
    release: `sluice ${VERSION}`,
    requestTimeoutMs,
    fetch: opts.fetch ?? fetch,
    secrets: configuredSecrets(config),
    onProblem: (problem) => {
      if (problems.has(problem) || problems.size >= 16) return;
      problems.add(problem);
      log.warn("langfuse", { problem });
    },
  });

  const build = (rec: TraceRecord): LangfuseBodies => {
    const model = rec.ex.upstreamModel ?? rec.ex.model;
    const price = model === undefined ? undefined : pricing.lookup(model);
    try {
      return toLangfuseBodies(rec, { price, eventBudget: EVENT_BUDGET });
    } catch {
      // Never expected; a trace without content beats losing it.
      return toLangfuseBodies({ ex: rec.ex, bodyBytes: 0 }, { price, eventBudget: EVENT_BUDGET });
    }
  };

  const sender = createSender<TraceRecord, LangfuseBodies>({
    client: {
      send(batch) {
        for (const b of batch) client.add(b.trace, b.generation);
        return client.send();
      },
      abort: () => client.abort(),
    },
    build,
    log,
    sink: "langfuse",
    unit: "traces",
    maxQueued: opts.maxQueued ?? 1000,
    maxQueuedBytes: opts.maxQueuedBytes ?? 64 * 1024 * 1024,
    batchSize: opts.batchSize ?? 50,
    batchBytes: BATCH_BUDGET,
    retryBaseMs: opts.retryBaseMs ?? 1000,
    retryMaxMs: opts.retryMaxMs ?? 30_000,
  });

  // Keyed by the live Exchange object; an exchange that never ends cannot leak.
  const live = new WeakMap<Exchange, Live>();
  const observer: ExchangeObserver = {
    onRequest(ex, body) {
      // Token counting and model lists are bookkeeping, not generations: Claude Code calls
      // count_tokens before most turns, and tracing them would bury the real calls.
      if (ex.method !== "POST" || ex.path.endsWith("/count_tokens") || ex.path.endsWith(":countTokens"))
        return;
      // Over the cap only a copy of the head is kept, so the whole body can be freed.
      live.set(ex, { body: body.byteLength > cap ? body.slice(0, cap) : body, bodyBytes: body.byteLength });
    },
    onResponse(ex) {
      const l = live.get(ex);
      if (!l) return undefined;
      l.out = createOutputAssembler(cap);
      return l.out;
    },
    onEnd(ex) {
      const l = live.get(ex);
      if (!l) return;
      live.delete(ex);
      const output = l.out?.result();
      const rec: TraceRecord = { ex: { ...ex }, bodyBytes: l.bodyBytes, ...(l.body ? { body: l.body } : {}) };
      if (output !== undefined) rec.output = output;
      const bytes = (l.body?.byteLength ?? 0) + (output ? jsonBytes(output) : 0) + OVERHEAD_BYTES;
      sender.enqueue(rec, bytes);
    },
  };

  return { observer, flush: (ms) => sender.flush(ms), stats: () => sender.stats() };
}
