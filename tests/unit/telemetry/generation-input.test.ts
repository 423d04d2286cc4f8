// The input is the forwarded body: parsed JSON when it is whole, a cut string with a note when
// it went over the cap, plain text when it is not JSON; no event outgrows the SDK's limit.
import { describe, expect, test } from "bun:test";
import { fitEvent, inputOf, toLangfuseBodies } from "../../../src/telemetry/generation.ts";
import { bytes, finishedExchange } from "./fixture.ts";

describe("input", () => {
  test("a whole JSON body is kept parsed", () => {
    const body = bytes({ model: "m", messages: [] });
    expect(inputOf(body, body.byteLength)).toEqual({ model: "m", messages: [] });
  });

  test("a body over the cap becomes its head plus a note with both sizes", () => {
    const full = bytes({ model: "m", messages: [{ role: "user", content: "x".repeat(100) }] });
    const kept = full.slice(0, 40);
    expect(inputOf(kept, full.byteLength)).toBe(
      `${new TextDecoder().decode(kept)}\n[sluice: cut, 40 of ${full.byteLength} bytes kept]`,
    );
  });

  test("a body that is not JSON is kept as text; no body means no input", () => {
    expect(inputOf(bytes("plain words"), 11)).toBe("plain words");
    expect(inputOf(undefined, 0)).toBeUndefined();
    expect(inputOf(new Uint8Array(0), 0)).toBeUndefined();
  });

  test("a cut input gives no model parameters and is flagged in metadata", () => {
    const full = bytes({ model: "m", temperature: 1, messages: [] });
    const ex = finishedExchange({ stream: undefined });
    const { generation } = toLangfuseBodies(
      { ex, body: full.slice(0, 10), bodyBytes: full.byteLength },
      { eventBudget: 900_000 },
    );
    expect(generation.modelParameters).toBeUndefined();
    expect(generation.metadata.input_truncated).toBe(true);
  });

  test("an event over the budget is cut to fit, quotes and all", () => {
    const quoted = {
      messages: Array.from({ length: 2000 }, (_, i) => ({ role: "user", content: `"q${i}"` })),
    };
    const ex = finishedExchange();
    const body = bytes(quoted);
    const { generation } = toLangfuseBodies(
      { ex, body, bodyBytes: body.byteLength, output: { role: "assistant", content: "y".repeat(50_000) } },
      { eventBudget: 20_000 },
    );
    expect(Buffer.byteLength(JSON.stringify(generation))).toBeLessThanOrEqual(20_000);
    expect(typeof generation.input).toBe("string");
    expect(generation.input as string).toContain("[sluice: cut,");
    expect(generation.metadata).toMatchObject({ input_truncated: true, output_truncated: true });
  });

  test("an event under the budget is left alone, and its size is measured once", () => {
    const { generation, bytes } = toLangfuseBodies(
      { ex: finishedExchange(), bodyBytes: 0 },
      { eventBudget: 900_000 },
    );
    const fitted = fitEvent(generation, 900_000);
    expect(fitted.generation).toBe(generation);
    expect(fitted.bytes).toBe(Buffer.byteLength(JSON.stringify(generation)));
    expect(bytes).toBeGreaterThan(fitted.bytes);
  });
});
