// When a scrub worker fails, the body is still never forwarded unscrubbed: a worker that hands the
// body back has it scrubbed on the main thread; one that dies with it costs the request a 503.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { silentLogger } from "../../../src/log.ts";
import type { RequestContext } from "../../../src/proxy/context.ts";
import { createScrubStep } from "../../../src/proxy/scrub-step.ts";
import { createScrubPool } from "../../../src/scrub/pool.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";
import { testConfig } from "../../helpers/config.ts";

const token = j("gh", "p_", fake(ALNUM, 36, 71));
const fixture = (name: string) => join(import.meta.dir, "../../fixtures/scrub", name);
const failing = createScrubPool(1, fixture("failing-worker.ts"));
const broken = createScrubPool(1, fixture("broken-worker.ts"));
afterAll(() => {
  failing.close();
  broken.close();
});

/** Just what the scrub step reads and writes of a request. */
function context(body: string) {
  const ctx = {
    body: new TextEncoder().encode(body) as Uint8Array,
    req: new Request("http://sluice/v1/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
    }),
    ex: { id: "test" },
    deps: { gate: { enabled: false } },
    setBody(b: Uint8Array) {
      ctx.body = b;
    },
  };
  return ctx;
}

const config = testConfig({ SLUICE_SCRUB: "redact" });
const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: `key ${token}` }] });

describe("scrub step with failing workers", () => {
  test("a worker that hands the body back: scrubbed on the main thread instead", async () => {
    const step = createScrubStep(config, silentLogger, { pool: failing, offThreadFrom: 1 })!;
    const ctx = context(body);
    expect(await step.apply(ctx as unknown as RequestContext)).toBeUndefined();
    const sent = new TextDecoder().decode(ctx.body);
    expect(sent).not.toContain(token);
    expect(sent).toContain("[REDACTED:github_token]");
  });

  test("a worker that dies with the body: 503, nothing forwarded", async () => {
    const step = createScrubStep(config, silentLogger, { pool: broken, offThreadFrom: 1 })!;
    const ctx = context(body);
    expect(await step.apply(ctx as unknown as RequestContext)).toMatchObject({
      status: 503,
      kind: "unavailable",
    });
  });
});
