// A whole (non-streamed) JSON answer gets its placeholders restored, and one larger than the cap
// passes on unchanged as it came instead of being held in memory: placeholders, never secrets.
import { describe, expect, test } from "bun:test";
import { restoreTransform } from "../../../src/proxy/restore-step.ts";
import { createScrubber } from "../../../src/scrub/scrub.ts";

const SECRET = ["ghp", "_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"].join("");
const scrubber = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(7) });
const placeholder = scrubber.scrubText(`token ${SECRET}`).text.replace("token ", "");

async function through(t: TransformStream<Uint8Array, Uint8Array>, chunks: string[]): Promise<string> {
  const enc = new TextEncoder();
  const source = new ReadableStream<Uint8Array>({
    start(c) {
      for (const s of chunks) c.enqueue(enc.encode(s));
      c.close();
    },
  });
  return await new Response(source.pipeThrough(t)).text();
}

describe("restore of a whole JSON answer", () => {
  test("the placeholder was issued and differs from the secret", () => {
    expect(placeholder).not.toContain(SECRET);
    expect(placeholder.length).toBeGreaterThan(8);
  });

  test("under the cap: real values back, even with the placeholder split across chunks", async () => {
    const body = JSON.stringify({ content: [{ type: "text", text: `use ${placeholder} now` }] });
    const cut = body.indexOf(placeholder) + 5;
    const t = restoreTransform(scrubber, "anthropic", "application/json", false, 1024)!;
    const out = await through(t, [body.slice(0, cut), body.slice(cut)]);
    expect(JSON.parse(out).content[0].text).toBe(`use ${SECRET} now`);
  });

  test("over the cap: the answer passes on byte for byte, nothing held back or lost", async () => {
    const body = JSON.stringify({ text: `${placeholder} ${"x".repeat(4000)}` });
    const chunks = body.match(/[\s\S]{1,700}/g)!;
    const t = restoreTransform(scrubber, "anthropic", "application/json", false, 1024)!;
    const out = await through(t, chunks);
    expect(out).toBe(body);
    expect(out).not.toContain(SECRET);
  });
});
