// A fake Langfuse ingestion API: POST /api/public/ingestion with Basic auth public:secret, body
// {batch: [{id, type, timestamp, body}], metadata}. Order inside a batch is not create-before-
// update, so events are merged by body.id; the answer is 207 {successes, errors}. Tests can make
// it fail (status), slow (delayMs) or hang until released, and read every raw payload.
import type { Server } from "bun";

export interface IngestionEvent {
  id: string;
  type: string;
  timestamp: string;
  body: Record<string, unknown>;
}

export interface FakeLangfuseOptions {
  publicKey?: string;
  secretKey?: string;
}

export interface FakeLangfuse {
  url: string;
  publicKey: string;
  secretKey: string;
  /** Every request body as received, for canary searches. */
  raw: string[];
  /** Every request's headers (lower-case names). */
  headers: Record<string, string>[];
  batches: { events: IngestionEvent[]; metadata: unknown }[];
  /** trace-create bodies merged by id. */
  traces: Map<string, Record<string, unknown>>;
  /** generation-create / generation-update bodies merged by id. */
  generations: Map<string, Record<string, unknown>>;
  /** How the next ingestion requests are answered. */
  behaviour: { status?: number; delayMs?: number; hang?: boolean; refuseBodyIds?: string[] };
  /** Answers every request held by `hang`. */
  release(): void;
  waitForTraces(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function ingest(f: FakeLangfuse, payload: unknown): { successes: unknown[]; errors: unknown[] } {
  const successes: unknown[] = [];
  const errors: unknown[] = [];
  const batch = isRecord(payload) && Array.isArray(payload.batch) ? payload.batch : [];
  const events: IngestionEvent[] = [];
  for (const e of batch) {
    const ok =
      isRecord(e) &&
      typeof e.id === "string" &&
      typeof e.type === "string" &&
      typeof e.timestamp === "string" &&
      isRecord(e.body) &&
      typeof e.body.id === "string";
    if (!ok) {
      errors.push({ id: isRecord(e) ? e.id : undefined, status: 400, message: "invalid event" });
      continue;
    }
    const event = e as unknown as IngestionEvent;
    events.push(event);
    const id = event.body.id as string;
    const into =
      event.type === "trace-create"
        ? f.traces
        : event.type === "generation-create" || event.type === "generation-update"
          ? f.generations
          : undefined;
    if (!into) {
      errors.push({ id: event.id, status: 400, message: `unexpected type ${event.type}` });
      continue;
    }
    if (f.behaviour.refuseBodyIds?.includes(id)) {
      errors.push({ id: event.id, status: 400, message: "refused on purpose" });
      continue;
    }
    into.set(id, { ...into.get(id), ...event.body });
    successes.push({ id: event.id, status: 201 });
  }
  f.batches.push({ events, metadata: isRecord(payload) ? payload.metadata : undefined });
  return { successes, errors };
}

export function startFakeLangfuse(opts: FakeLangfuseOptions = {}): FakeLangfuse {
  const publicKey = opts.publicKey ?? "pk-lf-test";
  const secretKey = opts.secretKey ?? "sk-lf-test";
  const expected = `Basic ${btoa(`${publicKey}:${secretKey}`)}`;
  let held: (() => void)[] = [];
  let server: Server<undefined>;

  const fake: FakeLangfuse = {
    url: "",
    publicKey,
    secretKey,
    raw: [],
    headers: [],
    batches: [],
    traces: new Map(),
    generations: new Map(),
    behaviour: {},
    release() {
      const waiting = held;
      held = [];
      for (const go of waiting) go();
    },
    async waitForTraces(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (fake.generations.size < n && Date.now() < until) await Bun.sleep(10);
      if (fake.generations.size < n) throw new Error(`only ${fake.generations.size} of ${n} traces arrived`);
    },
    async stop() {
      fake.release();
      await server.stop(true);
    },
  };

  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method !== "POST" || url.pathname !== "/api/public/ingestion") {
        return Response.json({ message: "not found" }, { status: 404 });
      }
      const text = await req.text();
      fake.raw.push(text);
      fake.headers.push(Object.fromEntries(req.headers));
      const b = fake.behaviour;
      if (b.hang) await new Promise<void>((resolve) => held.push(resolve));
      if (b.delayMs) await Bun.sleep(b.delayMs);
      if (req.headers.get("authorization") !== expected) {
        return Response.json({ message: "Invalid credentials" }, { status: 401 });
      }
      if (b.status !== undefined)
        return Response.json({ message: "failing on purpose" }, { status: b.status });
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch {
        return Response.json({ message: "invalid JSON" }, { status: 400 });
      }
      return Response.json(ingest(fake, payload), { status: 207 });
    },
  });
  fake.url = `http://127.0.0.1:${server.port}`;
  return fake;
}

/**
 * A loopback URL where nothing listens (connection refused). Port 1 is privileged and unused,
 * so no server of the test run can take it over (a freed ephemeral port could be reused).
 */
export async function deadUrl(): Promise<string> {
  return "http://127.0.0.1:1";
}

/** The SLUICE_LANGFUSE_* settings that point sluice at a fake. */
export function langfuseEnv(f: FakeLangfuse, environment = ""): Record<string, string> {
  return {
    SLUICE_LANGFUSE_BASE_URL: f.url,
    SLUICE_LANGFUSE_PUBLIC_KEY: f.publicKey,
    SLUICE_LANGFUSE_SECRET_KEY: f.secretKey,
    ...(environment ? { SLUICE_LANGFUSE_ENVIRONMENT: environment } : {}),
  };
}

/** The merged trace and generation of one request id (sluice uses it as the trace id). */
export function tracedAs(f: FakeLangfuse, requestId: string) {
  const trace = f.traces.get(requestId);
  const generation = f.generations.get(`${requestId}-gen`);
  if (!trace || !generation) throw new Error(`no trace for request ${requestId}`);
  return { trace, generation };
}
