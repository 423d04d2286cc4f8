// Circuit breaking: a target that failed several calls in a row is skipped while it has an
// alternative, for a cool-down; then one probe goes through (half-open), and its answer closes or
// reopens the breaker. /health shows each target's state and Prometheus counts opens. Against a
// fake Anthropic that fails on command, with the mock upstream as the fallback.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { tempDir } from "../e2e/helpers.ts";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { scripted, startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let anthropic: TestUpstream;
let openai: TestUpstream;
let mock: MockServer;
let sluice: TestSluice;
/** While true the fake upstreams answer 500. */
let down = true;

const message = () => Response.json({ id: "msg_a", type: "message", content: [] });

beforeAll(async () => {
  anthropic = startUpstream(() => (down ? scripted(500) : message()));
  openai = startUpstream(() => (down ? scripted(503) : Response.json({ id: "chatcmpl" })));
  mock = startMockUpstream({ port: 0 });
  const file = join(tempDir("breaker"), "sluice.toml");
  writeFileSync(
    file,
    `[providers.local]
preset = "vllm"
base_url = "${mock.url}/v1"

[[routes]]
match = "*"
provider = "anthropic"
fallback = ["local:qwen3-coder"]
`,
  );
  sluice = await startSluice(
    {
      SLUICE_CONFIG: file,
      SLUICE_ANTHROPIC_BASE_URL: anthropic.url,
      SLUICE_OPENAI_BASE_URL: openai.url,
      SLUICE_RETRY_MAX: "0",
      SLUICE_BREAKER_FAILURES: "2",
      SLUICE_BREAKER_COOLDOWN: "0.3",
    },
    { admin: true },
  );
});
afterAll(async () => {
  await sluice.stop();
  await anthropic.stop();
  await openai.stop();
  await mock.stop();
});
beforeEach(() => {
  down = true;
});

const post = (body = MSG) => fetch(`${sluice.url}/v1/messages`, { method: "POST", body });
const health = async (target: string) => (await (await fetch(`${sluice.url}/health`)).json()).targets[target];
/** Fails calls until the target's breaker is open (each call still answered by the fallback). */
async function open(target = "anthropic") {
  while ((await health(target)).state !== "open") {
    const r = await post();
    expect(r.headers.get("x-sluice-fallback")).toBe("local");
    await r.arrayBuffer();
  }
}
/** Waits until the cool-down is over (health says the probe may go). */
async function probeDue() {
  while ((await health("anthropic")).probeInSeconds !== 0) await Bun.sleep(20);
}

describe("the circuit breaker", () => {
  test("opens after the failures in a row; then the call goes to the fallback at once", async () => {
    const opensBefore = (await health("anthropic")).opens;
    await open();
    expect(await health("anthropic")).toMatchObject({ state: "open", opens: opensBefore + 1 });
    const seen = anthropic.seen.length;
    for (const body of [MSG, JSON.stringify({ ...JSON.parse(MSG), stream: true })]) {
      const r = await post(body);
      expect(r.status).toBe(200);
      expect(r.headers.get("x-sluice-fallback")).toBe("local");
      expect(await r.text()).toMatch(/Mock reply|message_stop/);
    }
    expect(anthropic.seen.length).toBe(seen);
    const prom = await (await fetch(`${sluice.adminUrl}/metrics/prometheus`)).text();
    expect(prom).toMatch(/sluice_breaker_opens_total\{target="anthropic"\} [1-9]/);
    const metrics = await (await fetch(`${sluice.adminUrl}/metrics`)).json();
    expect(metrics.targets.anthropic.state).toBe("open");
  });

  test("after the cool-down one probe goes through, and its success closes the breaker", async () => {
    await open();
    await probeDue();
    down = false;
    const seen = anthropic.seen.length;
    const r = await post();
    expect(r.status).toBe(200);
    expect(r.headers.get("x-sluice-fallback")).toBeNull();
    expect(anthropic.seen.length).toBe(seen + 1);
    expect(await health("anthropic")).toMatchObject({ state: "closed", failures: 0 });
  });

  test("a probe that fails opens the breaker again for another cool-down", async () => {
    await open();
    await probeDue();
    const opens = (await health("anthropic")).opens;
    const seen = anthropic.seen.length;
    expect((await post()).headers.get("x-sluice-fallback")).toBe("local");
    expect(anthropic.seen.length).toBe(seen + 1);
    expect(await health("anthropic")).toMatchObject({ state: "open", opens: opens + 1 });
    await post();
    expect(anthropic.seen.length).toBe(seen + 1);
  });

  test("a target with no alternative is still tried while open", async () => {
    const chat = () =>
      fetch(`${sluice.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] }),
      });
    while ((await health("openai")).state !== "open") expect((await chat()).status).toBe(503);
    const seen = openai.seen.length;
    expect((await chat()).status).toBe(503);
    expect(openai.seen.length).toBe(seen + 1);
    down = false;
    expect((await chat()).status).toBe(200);
    expect((await health("openai")).state).toBe("closed");
  });
});
