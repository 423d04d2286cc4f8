// The ingestion client drives the real langfuse SDK against a fake Langfuse: one POST per send
// with Basic auth and the documented envelope; failures come back as values (retry or reject)
// and nothing reaches the console; a request can be cancelled; configured keys never leave.
import { afterAll, afterEach, beforeAll, describe, expect, spyOn, test } from "bun:test";
import { type ClientOptions, createIngestionClient } from "../../../src/telemetry/client.ts";
import type { GenerationBody, TraceBody } from "../../../src/telemetry/generation.ts";
import { deadUrl, type FakeLangfuse, startFakeLangfuse } from "../../helpers/fake-langfuse.ts";

let lf: FakeLangfuse;
const consoleSpies = (["error", "warn", "log", "debug", "info"] as const).map((m) => spyOn(console, m));
beforeAll(() => {
  lf = startFakeLangfuse();
});
afterAll(async () => {
  await lf.stop();
  for (const s of consoleSpies) s.mockRestore();
});
afterEach(() => {
  lf.behaviour = {};
  for (const s of consoleSpies) {
    expect(s).not.toHaveBeenCalled();
    s.mockClear();
  }
});

function client(over: Partial<ClientOptions> = {}) {
  const problems: string[] = [];
  const c = createIngestionClient({
    baseUrl: lf.url,
    publicKey: lf.publicKey,
    secretKey: lf.secretKey,
    environment: "staging",
    release: "sluice test",
    requestTimeoutMs: 2000,
    fetch,
    secrets: [],
    onProblem: (p) => problems.push(p),
    ...over,
  });
  return { c, problems };
}

const trace = (id: string, extra: Partial<TraceBody> = {}): TraceBody => ({
  id,
  name: "POST /v1/messages",
  timestamp: new Date("2026-01-01T00:00:00Z"),
  tags: ["anthropic"],
  metadata: {},
  ...extra,
});
const gen = (id: string, extra: Partial<GenerationBody> = {}): GenerationBody => ({
  id: `${id}-gen`,
  traceId: id,
  name: "POST /v1/messages",
  startTime: new Date("2026-01-01T00:00:00Z"),
  endTime: new Date("2026-01-01T00:00:01Z"),
  level: "DEFAULT",
  metadata: {},
  ...extra,
});

describe("ingestion client", () => {
  test("one send is one POST with Basic auth and the documented envelope", async () => {
    const { c } = client();
    const before = lf.raw.length;
    c.add(trace("t1"), gen("t1", { input: { a: 1 } }));
    expect(await c.send()).toEqual({ kind: "ok", failedTraces: 0 });
    expect(lf.raw.length).toBe(before + 1);
    expect(lf.headers.at(-1)!.authorization).toBe(`Basic ${btoa(`${lf.publicKey}:${lf.secretKey}`)}`);
    const { events, metadata } = lf.batches.at(-1)!;
    expect(events.map((e) => e.type).sort()).toEqual(["generation-create", "trace-create"]);
    for (const e of events) expect(Object.keys(e).sort()).toEqual(["body", "id", "timestamp", "type"]);
    expect(metadata).toMatchObject({ batch_size: 2, sdk_integration: "sluice", public_key: lf.publicKey });
    expect(lf.traces.get("t1")).toMatchObject({ environment: "staging", release: "sluice test" });
    expect(lf.generations.get("t1-gen")).toMatchObject({
      traceId: "t1",
      input: { a: 1 },
      environment: "staging",
    });
  });

  test("a send with nothing handed over does not call Langfuse", async () => {
    const { c } = client();
    const before = lf.raw.length;
    expect(await c.send()).toEqual({ kind: "ok", failedTraces: 0 });
    expect(lf.raw.length).toBe(before);
  });

  test("per-event errors in a 207 count once per trace", async () => {
    const { c } = client();
    lf.behaviour = { refuseBodyIds: ["t3", "t3-gen"] };
    c.add(trace("t2"), gen("t2"));
    c.add(trace("t3"), gen("t3"));
    expect(await c.send()).toEqual({ kind: "ok", failedTraces: 1 });
  });

  test("a 5xx asks for a retry; a 401 is a refusal that names the keys", async () => {
    const { c } = client();
    lf.behaviour = { status: 503 };
    c.add(trace("t4"), gen("t4"));
    expect(await c.send()).toEqual({ kind: "retry", reason: "HTTP 503" });
    const wrong = client({ secretKey: "sk-wrong" }).c;
    lf.behaviour = {};
    wrong.add(trace("t5"), gen("t5"));
    expect(await wrong.send()).toEqual({
      kind: "reject",
      reason: "HTTP 401 (check the Langfuse public and secret keys)",
    });
  });

  test("a server that is down is a retry with a one-line reason", async () => {
    const { c } = client({ baseUrl: await deadUrl() });
    c.add(trace("t6"), gen("t6"));
    const outcome = await c.send();
    expect(outcome.kind).toBe("retry");
    expect((outcome as { reason: string }).reason).not.toContain("\n");
  });

  test("a server that does not answer in time is a retry", async () => {
    const { c } = client({ requestTimeoutMs: 100 });
    lf.behaviour = { hang: true };
    c.add(trace("t7"), gen("t7"));
    expect(await c.send()).toEqual({ kind: "retry", reason: "no answer within 100 ms" });
    lf.release();
  });

  test("abort cancels the request in flight", async () => {
    const { c } = client();
    lf.behaviour = { hang: true };
    c.add(trace("t8"), gen("t8"));
    const sending = c.send();
    while (!lf.raw.some((r) => r.includes('"t8"'))) await Bun.sleep(5);
    c.abort();
    expect(await sending).toEqual({ kind: "retry", reason: "cancelled (shutdown deadline)" });
    lf.release();
  });

  test("a configured key inside a payload is replaced before it leaves, and reported once", async () => {
    const key = "sk-upstream-0123456789abcdef";
    const { c, problems } = client({ secrets: [key] });
    c.add(trace("t9"), gen("t9", { input: { messages: [{ content: `my key is ${key}` }] } }));
    c.add(trace("t10"), gen("t10", { statusMessage: key }));
    await c.send();
    expect(lf.raw.at(-1)).not.toContain(key);
    expect(lf.generations.get("t9-gen")!.input).toEqual({ messages: [{ content: "my key is [redacted]" }] });
    expect(problems).toEqual(["a configured key appeared in a trace and was redacted"]);
  });
});
