// Every answer says where its time went in a standard Server-Timing header: sluice's own time
// before the upstream call, the upstream's time to first byte, and after a retry the time spent
// on earlier attempts; the request log carries the same numbers. Checked against delays the
// test itself puts in (a slow upload, a slow upstream) and against the client's own clock
// (sluice's intervals never add up to more than the call took), never against a time limit.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

const UPSTREAM_DELAY_MS = 40;
const UPLOAD_DELAY_MS = 50;

let upstream: TestUpstream;
let sluice: TestSluice;
const lines: Record<string, unknown>[] = [];
/** Resolved when sluice has begun handling the next request. */
let arrived: () => void = () => {};
const attempts = new Map<string, number>();

beforeAll(async () => {
  upstream = startUpstream(async (req) => {
    const key = req.headers.get("x-test-key") ?? "";
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    if (req.headers.get("x-test-overload-first") && n === 1) {
      return Response.json(
        { type: "error", error: { type: "overloaded_error", message: "busy" } },
        { status: 529 },
      );
    }
    await Bun.sleep(UPSTREAM_DELAY_MS);
    const own = req.headers.get("x-test-upstream-timing");
    const headers: Record<string, string> = own ? { "server-timing": own } : {};
    if (req.headers.get("x-test-stream")) {
      const body = 'event: message_stop\ndata: {"type":"message_stop"}\n\n';
      return new Response(body, { headers: { ...headers, "content-type": "text/event-stream" } });
    }
    return Response.json({ type: "message", model: "claude-x", content: [] }, { headers });
  });
  sluice = await startSluice(
    { SLUICE_ANTHROPIC_BASE_URL: upstream.url, SLUICE_API_KEYS: "team=sk-internal" },
    {
      observers: [{ onStart: () => arrived() }],
      log: createLogger({
        level: "info",
        format: "json",
        write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>),
      }),
    },
  );
});
afterAll(async () => {
  await sluice.stop();
  await upstream.stop();
});

/** Server-Timing "name;dur=1.5;desc=..., name2;dur=2" as name -> dur. */
function timings(header: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of (header ?? "").split(",")) {
    const [name, ...params] = entry.trim().split(";");
    const dur = params.find((p) => p.startsWith("dur="));
    if (name && dur) out.set(name, Number(dur.slice(4)));
  }
  return out;
}

/** A body whose second half the client sends UPLOAD_DELAY_MS after sluice has the request. */
function slowBody(json: string): ReadableStream<Uint8Array> {
  const started = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const bytes = new TextEncoder().encode(json);
  const half = Math.floor(bytes.length / 2);
  let step = 0;
  return new ReadableStream({
    async pull(c) {
      if (step === 0) c.enqueue(bytes.subarray(0, half));
      else if (step === 1) {
        await started;
        await Bun.sleep(UPLOAD_DELAY_MS);
        c.enqueue(bytes.subarray(half));
      } else c.close();
      step++;
    },
  });
}

let calls = 0;
async function call(
  headers: Record<string, string>,
  body: BodyInit = '{"model":"claude-x","max_tokens":1,"messages":[{"role":"user","content":"hi"}]}',
) {
  const key = `k${++calls}`;
  const t0 = performance.now();
  const res = await fetch(`${sluice.url}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "sk-internal",
      "x-test-key": key,
      ...headers,
    },
    body,
    tls: { rejectUnauthorized: false },
  } as RequestInit);
  const timing = timings(res.headers.get("server-timing"));
  const raw = res.headers.get("server-timing");
  await res.arrayBuffer();
  const elapsedMs = performance.now() - t0;
  const id = res.headers.get("x-sluice-request-id");
  await sluice.waitForExchanges(calls);
  const logged = lines.find((l) => l.id === id);
  return { res, timing, raw, elapsedMs, logged };
}

/** Rounding to 10 µs may put the sum a hair over what the client measured. */
const ROUNDING = 0.03;

describe("Server-Timing on every answer", () => {
  test("sluice's time covers the slow upload, the upstream's its own wait, and they fit in the call", async () => {
    const json = JSON.stringify({
      model: "claude-x",
      max_tokens: 1,
      messages: [{ role: "user", content: "hi" }],
    });
    const r = await call({}, slowBody(json));
    expect(r.res.status).toBe(200);
    expect([...r.timing.keys()]).toEqual(["sluice", "upstream"]);
    const sluiceMs = r.timing.get("sluice")!;
    const upstreamMs = r.timing.get("upstream")!;
    expect(sluiceMs).toBeGreaterThanOrEqual(UPLOAD_DELAY_MS - 1);
    expect(upstreamMs).toBeGreaterThanOrEqual(UPSTREAM_DELAY_MS - 1);
    expect(sluiceMs + upstreamMs).toBeLessThanOrEqual(r.elapsedMs + ROUNDING);
    expect(r.raw).toContain('desc="upstream time to first byte"');
    // The request log line has the very same numbers.
    expect(r.logged?.sluice_ms).toBe(sluiceMs);
    expect(r.logged?.upstream_ttfb_ms).toBe(upstreamMs);
    expect(r.logged?.retry_ms).toBeUndefined();
  });

  test("a stream carries it in its headers, before any event is read", async () => {
    const r = await call({ "x-test-stream": "1" });
    expect(r.res.headers.get("content-type")).toContain("text/event-stream");
    expect(r.timing.get("upstream")!).toBeGreaterThanOrEqual(UPSTREAM_DELAY_MS - 1);
    expect(r.timing.get("sluice")!).toBeGreaterThanOrEqual(0);
    expect(r.logged?.upstream_ttfb_ms).toBe(r.timing.get("upstream"));
  });

  test("after a retry, the earlier attempt and the wait are their own entry", async () => {
    const r = await call({ "x-test-overload-first": "1" });
    expect(r.res.status).toBe(200);
    expect([...r.timing.keys()]).toEqual(["sluice", "retry", "upstream"]);
    const sum = r.timing.get("sluice")! + r.timing.get("retry")! + r.timing.get("upstream")!;
    expect(r.timing.get("retry")!).toBeGreaterThan(0);
    expect(sum).toBeLessThanOrEqual(r.elapsedMs + ROUNDING);
    expect(r.logged?.retries).toBe(1);
    expect(r.logged?.retry_ms).toBe(r.timing.get("retry"));
  });

  test("the upstream's own Server-Timing entries are kept beside sluice's", async () => {
    const r = await call({ "x-test-upstream-timing": 'cfL4;desc="edge";dur=1.5' });
    expect(r.raw).toStartWith('cfL4;desc="edge";dur=1.5, sluice;dur=');
    expect(r.timing.has("upstream")).toBe(true);
  });

  test("an answer sluice makes itself shows only sluice's time, in the header and the log", async () => {
    const r = await call({ "x-api-key": "wrong" });
    expect(r.res.status).toBe(401);
    expect([...r.timing.keys()]).toEqual(["sluice"]);
    expect(r.timing.get("sluice")!).toBeLessThanOrEqual(r.elapsedMs + ROUNDING);
    expect(r.logged?.sluice_ms).toBe(r.timing.get("sluice"));
    expect(r.logged?.upstream_ttfb_ms).toBeUndefined();
  });
});
