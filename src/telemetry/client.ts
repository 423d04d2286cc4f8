// The langfuse SDK, held on a short leash: it builds the ingestion batch (envelopes, auth,
// truncation) and sends it when asked, never on its own. No flush timer, no SDK retries (the
// sink retries with its own backoff), no media uploads, no console output: failures come back
// as values. Every payload is checked for sluice's configured keys before it leaves.
import { Langfuse } from "langfuse";
import type {
  EventBody,
  LangfuseFetchOptions,
  LangfuseFetchResponse,
  LangfuseObject,
  LangfusePersistedProperty,
} from "langfuse-core";
import type { GenerationBody, TraceBody } from "./generation.ts";
import type { SendOutcome } from "./sender.ts";

export type { SendOutcome } from "./sender.ts";

export interface ClientOptions {
  baseUrl: string;
  publicKey: string;
  secretKey: string;
  environment: string;
  release: string;
  requestTimeoutMs: number;
  fetch: typeof fetch;
  /** Values that must never leave sluice; replaced wherever a payload holds one. */
  secrets: string[];
  /** The SDK reported a problem (once per distinct message is enough). */
  onProblem(message: string): void;
}

export interface IngestionClient {
  /** Hands one trace and its generation to the SDK. */
  add(trace: TraceBody, generation: GenerationBody): void;
  /** Sends everything handed over as one batch; resolves with Langfuse's verdict. */
  send(): Promise<SendOutcome>;
  /** Cancels the request in flight (the shutdown deadline passed). */
  abort(): void;
}

const MAX_REASON = 200;

interface Verdict {
  outcome: SendOutcome;
  /** Envelope ids of the events a 207 answer listed as errors. */
  failedIds: string[];
}

/** What Langfuse's answer means for the batch. 207 lists per-event errors. */
export function classify(status: number, text: string): Verdict {
  if (status >= 200 && status < 300) {
    const failedIds: string[] = [];
    try {
      const errors = (JSON.parse(text) as { errors?: unknown }).errors;
      for (const e of Array.isArray(errors) ? errors : []) {
        const id = (e as { id?: unknown } | null)?.id;
        if (typeof id === "string") failedIds.push(id);
      }
    } catch {
      // A 2xx without a JSON body still means accepted.
    }
    return { outcome: { kind: "ok", failedTraces: 0 }, failedIds };
  }
  if (status === 408 || status === 429 || status >= 500) {
    return { outcome: { kind: "retry", reason: `HTTP ${status}` }, failedIds: [] };
  }
  const why = status === 401 || status === 403 ? " (check the Langfuse public and secret keys)" : "";
  return { outcome: { kind: "reject", reason: `HTTP ${status}${why}` }, failedIds: [] };
}

/** One short line for a network failure: no stack, no payload. */
export function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
    if (err.name === "AbortError") return "cancelled (shutdown deadline)";
    const code = (err as { code?: unknown }).code;
    const text =
      typeof code === "string" && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
    return text.slice(0, MAX_REASON);
  }
  return String(err).slice(0, MAX_REASON);
}

class QuietLangfuse extends Langfuse {
  private readonly processing = new Set<Promise<void>>();

  constructor(
    opts: ClientOptions,
    private readonly transport: (url: string, o: LangfuseFetchOptions) => Promise<LangfuseFetchResponse>,
  ) {
    super({
      publicKey: opts.publicKey,
      secretKey: opts.secretKey,
      baseUrl: opts.baseUrl,
      // The sink decides when to send: never by count, never by timer (no timer keeps a
      // process alive), and never retried inside the SDK (its retry waits are plain timers).
      flushAt: 1_000_000_000,
      flushInterval: 0,
      fetchRetryCount: 0,
      requestTimeout: opts.requestTimeoutMs,
      release: opts.release,
      environment: opts.environment,
      // Explicit (no sampling), so LANGFUSE_SAMPLE_RATE in the environment is not read.
      sampleRate: 1,
      sdkIntegration: "sluice",
    });
    // The SDK prints its "error" events to the console; sluice reports them through its log.
    this._events.events.error = [];
    this.on("error", (e: unknown) => opts.onProblem(describeFailure(e, opts.requestTimeoutMs)));
  }

  override fetch(url: string, options: LangfuseFetchOptions): Promise<LangfuseFetchResponse> {
    return this.transport(url, options);
  }

  /**
   * The SDK's queue lives in this object, as in the SDK's own cache; the SDK also writes the
   * whole queue through JSON.stringify into a "memory storage" on every event, which costs time
   * growing with the queue (2 ms of CPU per proxied call at a thousand calls a second) and is
   * never read back in a server.
   */
  private readonly persisted = new Map<LangfusePersistedProperty, unknown>();

  override getPersistedProperty<T>(key: LangfusePersistedProperty): T | undefined {
    return this.persisted.get(key) as T | undefined;
  }

  override setPersistedProperty<T>(key: LangfusePersistedProperty, value: T | null): void {
    if (value === null) this.persisted.delete(key);
    else this.persisted.set(key, value);
  }

  /** No media uploads: images stay inline in the (capped) input. */
  protected override async processMediaInEvent(): Promise<void> {}

  protected override processEnqueueEvent(type: LangfuseObject, body: EventBody): Promise<void> {
    const p = super.processEnqueueEvent(type, body);
    this.processing.add(p);
    p.then(
      () => this.processing.delete(p),
      () => this.processing.delete(p),
    );
    return p;
  }

  /** Every handed-over event is in the SDK's queue. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.processing]);
  }

  queued(): number {
    return (this.getPersistedProperty<unknown[]>("queue" as LangfusePersistedProperty) ?? []).length;
  }
}

export function createIngestionClient(opts: ClientOptions): IngestionClient {
  let controller = new AbortController();
  let last: Verdict | undefined;
  let redactedOnce = false;
  const secrets = opts.secrets.filter((s) => s.length >= 8);

  const transport = async (url: string, o: LangfuseFetchOptions): Promise<LangfuseFetchResponse> => {
    let body = typeof o.body === "string" ? o.body : o.body?.toString("utf8");
    for (const secret of secrets) {
      if (body?.includes(secret)) {
        body = body.replaceAll(secret, "[redacted]");
        if (!redactedOnce) opts.onProblem("a configured key appeared in a trace and was redacted");
        redactedOnce = true;
      }
    }
    const signals = [controller.signal, ...(o.signal ? [o.signal] : [])];
    try {
      const res = await opts.fetch(url, {
        method: o.method,
        headers: o.headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.any(signals),
      });
      const text = await res.text();
      last = classify(res.status, text);
      return new Response(text, { status: res.status });
    } catch (err) {
      last = {
        outcome: { kind: "retry", reason: describeFailure(err, opts.requestTimeoutMs) },
        failedIds: [],
      };
      throw err;
    }
  };

  const sdk = new QuietLangfuse(opts, transport);

  return {
    add(trace, generation) {
      sdk.trace(trace);
      sdk.generation(generation);
    },
    async send() {
      await sdk.settled();
      if (sdk.queued() === 0) return { kind: "ok", failedTraces: 0 };
      last = undefined;
      const items = await new Promise<unknown[]>((resolve) => {
        sdk.flush((_err: unknown, sent?: unknown) => resolve(Array.isArray(sent) ? sent : []));
      });
      // Set by the transport during flush (TypeScript cannot see that through the callback).
      const result: Verdict = (last as Verdict | undefined) ?? {
        outcome: { kind: "reject", reason: "the SDK did not send" },
        failedIds: [],
      };
      if (result.outcome.kind !== "ok" || result.failedIds.length === 0) return result.outcome;
      // Per-event errors count once per trace they belong to.
      const failed = new Set(result.failedIds);
      const traces = new Set<string>();
      for (const item of items) {
        const it = item as { id?: string; body?: { id?: string; traceId?: string } };
        if (it.id && failed.has(it.id)) traces.add(it.body?.traceId ?? it.body?.id ?? it.id);
      }
      return { kind: "ok", failedTraces: traces.size };
    },
    abort() {
      controller.abort();
      controller = new AbortController();
    },
  };
}
