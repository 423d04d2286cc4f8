// The scrub pool's workers give the same answer as scrubbing on the main thread, and a worker
// that fails fails its job (so the caller can scrub on the main thread) and is replaced.
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createEngine } from "../../../src/scrub/engine.ts";
import { mintedFromIndex } from "../../../src/scrub/minted-index.ts";
import { scrubPayload } from "../../../src/scrub/payload.ts";
import { createScrubPool } from "../../../src/scrub/pool.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";

const hmacKey = new Uint8Array(32).fill(5);
const token = j("gh", "p_", fake(ALNUM, 36, 51));
const body = new TextEncoder().encode(
  JSON.stringify({ model: "m", messages: [{ role: "user", content: `a ${token} b` }], n: 1 }),
);
const pool = createScrubPool(2);
afterAll(() => pool.close());

const job = (over: Partial<Parameters<typeof pool.run>[0]> = {}) => ({
  mode: "pseudonymize" as const,
  hmacKey,
  body,
  contentType: "application/octet-stream",
  literals: [],
  maxHits: 100,
  ...over,
});

describe("scrub pool", () => {
  test("answers what the main thread would, pseudonyms included", async () => {
    const here = scrubPayload(createEngine({ mode: "pseudonymize", hmacKey }), body, null, { maxHits: 100 });
    const copy = body.slice();
    const { result: there, body: back } = await pool.run(job({ body: copy }));
    if (!here.ok || !there.ok) throw new Error("refused");
    expect(there.bytes).toEqual(here.bytes);
    expect(there.hits).toEqual({ github_token: 1 });
    const minted = mintedFromIndex(there.minted);
    expect(new Map(minted.entries())).toEqual(here.minted);
    for (const [p, v] of here.minted) expect(minted.get(p)).toBe(v);
    // The body went to the worker without a copy and came back.
    expect(copy.byteLength).toBe(0);
    expect(back).toEqual(body);
  });

  test("runs many jobs on few workers, each with its own answer", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pool.run(job({ body: body.slice(), maxHits: i === 3 ? 0 : 100 }))),
    );
    expect(results.map((r) => r.result.ok)).toEqual([true, true, true, false, true, true]);
    expect(results[3]!.result).toMatchObject({ ok: false, kind: "payload_too_large" });
  });

  test("a worker that fails fails its job; the pool goes on with a new one", async () => {
    const broken = createScrubPool(1, join(import.meta.dir, "../../fixtures/scrub/broken-worker.ts"));
    await expect(broken.run(job({ body: body.slice() }))).rejects.toThrow("broken on purpose");
    await expect(broken.run(job({ body: body.slice() }))).rejects.toThrow("broken on purpose");
    broken.close();
    await expect(broken.run(job())).rejects.toThrow("closed");
  });
});
