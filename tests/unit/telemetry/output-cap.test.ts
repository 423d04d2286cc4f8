// The output assembler holds at most its cap in characters: text, thinking and tool arguments
// together; what does not fit is left out and the output says it was truncated.
import { describe, expect, test } from "bun:test";
import { createOutputAssembler } from "../../../src/telemetry/output.ts";

const delta = (text: string) => ({
  data: JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] }),
});

describe("output cap", () => {
  test("content beyond the cap is cut and marked", () => {
    const a = createOutputAssembler(10);
    a.event(delta("12345"));
    a.event(delta("67890abc"));
    a.event(delta("more"));
    expect(a.result()).toEqual({ role: "assistant", content: "1234567890", truncated: true });
  });

  test("thinking and tool arguments count against the same cap", () => {
    const a = createOutputAssembler(8);
    a.event({ data: JSON.stringify({ choices: [{ index: 0, delta: { reasoning_content: "abcdef" } }] }) });
    a.event({
      data: JSON.stringify({
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: "{12345}" } }] },
          },
        ],
      }),
    });
    expect(a.result()).toEqual({
      role: "assistant",
      content: "",
      thinking: "abcdef",
      tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{1" } }],
      truncated: true,
    });
  });

  test("a huge error payload is kept as cut text", () => {
    const a = createOutputAssembler(100);
    a.json({ error: { message: "x".repeat(10_000) } });
    const out = a.result() as { error: unknown };
    expect(typeof out.error).toBe("string");
    expect((out.error as string).length).toBe(4096);
  });

  test("events that are not JSON objects are ignored", () => {
    const a = createOutputAssembler(100);
    a.event({ data: "not json" });
    a.event({ data: "[1,2]" });
    a.event({ data: "" });
    expect(a.result()).toBeUndefined();
  });
});
