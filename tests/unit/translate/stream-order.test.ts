import { describe, expect, test } from "bun:test";
import type { MessagesStreamEvent } from "../../../src/translate/anthropic-types.ts";
import { goldens } from "./golden.ts";
import { streamProblems } from "./stream-checks.ts";

describe("every golden event list is ordered as Anthropic's SSE", () => {
  for (const golden of goldens<{ expected: MessagesStreamEvent[] }>("stream")) {
    test(`${golden.name} is well formed`, () => {
      expect(streamProblems(golden.data.expected as MessagesStreamEvent[])).toEqual([]);
    });
  }

  test("the checker itself catches a delta for a block that is not open", () => {
    const broken: MessagesStreamEvent[] = [
      { type: "message_start", message: {} as never },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "x" } },
      { type: "message_stop" },
    ];
    expect(streamProblems(broken)).toContain("delta for block 0 that is not open");
  });
});
