import { describe, expect, test } from "bun:test";
import type { MessagesStreamEvent } from "../../../src/translate/anthropic-types.ts";
import type { ChatChunk } from "../../../src/translate/openai-types.ts";
import { ChatToMessagesStream, type StreamOptions } from "../../../src/translate/streaming.ts";
import { goldens, record, updating } from "./golden.ts";

type Step = { chunk: ChatChunk } | { finish: true } | { error: { status: number; body: unknown } };

interface StreamCase {
  options: Omit<StreamOptions, "id" | "newId">;
  steps: Step[];
}

/** Runs a transcript through a fresh state machine; ids are deterministic. */
export function runTranscript(options: StreamCase["options"], steps: Step[]): MessagesStreamEvent[] {
  let n = 0;
  const stream = new ChatToMessagesStream({ ...options, id: "msg_golden", newId: (p) => `${p}golden${++n}` });
  return steps.flatMap((step) => {
    if ("chunk" in step) return stream.push(step.chunk);
    if ("finish" in step) return stream.finish();
    return stream.error(step.error.status, step.error.body);
  });
}

describe("a chunk transcript becomes the expected Anthropic event list", () => {
  for (const golden of goldens<StreamCase>("stream")) {
    test(`${golden.name}: ${golden.data.case}`, () => {
      const actual = runTranscript(golden.data.options, golden.data.steps);
      if (updating) record(golden, actual);
      else expect(actual).toEqual(golden.data.expected as MessagesStreamEvent[]);
    });
  }
});
