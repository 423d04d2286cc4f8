import { describe, expect, test } from "bun:test";
import type { MessagesStreamEvent } from "../../../src/translate/anthropic-types.ts";
import type { ChatChunk } from "../../../src/translate/openai-types.ts";
import { ChatToMessagesStream } from "../../../src/translate/streaming.ts";
import type { ThinkTagMode } from "../../../src/translate/think-tags.ts";
import { streamProblems } from "./stream-checks.ts";

const content = (text: string): ChatChunk => ({ choices: [{ index: 0, delta: { content: text } }] });
const stop: ChatChunk = { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] };

/** The blocks a client assembles from the events, as [type, text] pairs. */
function blocks(events: MessagesStreamEvent[]): [string, string][] {
  const out: [string, string][] = [];
  for (const e of events) {
    if (e.type === "content_block_start") out.push([e.content_block.type, ""]);
    if (e.type === "content_block_delta") {
      const last = out[e.index] as [string, string];
      if (e.delta.type === "text_delta") last[1] += e.delta.text;
      if (e.delta.type === "thinking_delta") last[1] += e.delta.thinking;
    }
  }
  return out;
}

function translate(chunks: ChatChunk[], thinkTags?: ThinkTagMode): MessagesStreamEvent[] {
  const stream = new ChatToMessagesStream({ model: "m", id: "msg_1", thinkTags });
  return [...chunks.flatMap((c) => stream.push(c)), ...stream.finish()];
}

describe("a <think> section in streamed content becomes a thinking block", () => {
  const answer = "<think>plan</think>\n\nAnswer";

  test("split into two deltas at every position, it streams as thinking then text in Anthropic's order", () => {
    for (let i = 0; i <= answer.length; i++) {
      const events = translate([content(answer.slice(0, i)), content(answer.slice(i)), stop]);
      expect(streamProblems(events)).toEqual([]);
      expect(blocks(events)).toEqual([
        ["thinking", "plan"],
        ["text", "Answer"],
      ]);
      const types = events.map((e) => (e.type === "content_block_delta" ? e.delta.type : e.type));
      expect(types[0]).toBe("message_start");
      expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    }
  });

  test("one character per delta gives the same blocks", () => {
    const events = translate([...answer].map(content).concat(stop));
    expect(streamProblems(events)).toEqual([]);
    expect(blocks(events)).toEqual([
      ["thinking", "plan"],
      ["text", "Answer"],
    ]);
  });

  test("reasoning is sent in the push that brought it, not held to the end", () => {
    const stream = new ChatToMessagesStream({ model: "m", id: "msg_1" });
    const first = stream.push(content("<think>Step one"));
    expect(first.at(-1)).toEqual({
      type: "content_block_delta",
      index: 0,
      delta: { type: "thinking_delta", thinking: "Step one" },
    });
    const second = stream.push(content(", step two</thi"));
    expect(second).toEqual([
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: ", step two" } },
    ]);
    const third = stream.push(content("nk>\n\nDone"));
    expect(third.map((e) => e.type)).toEqual([
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
    ]);
  });

  test("a tool call inside an unterminated section ends it: held characters go to thinking, before the call", () => {
    const call: ChatChunk = {
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "call_1", function: { name: "ls", arguments: "{}" } }] },
        },
      ],
    };
    const events = translate([
      content("<think>need ls</th"),
      call,
      { choices: [{ index: 0, finish_reason: "tool_calls" }] },
    ]);
    expect(streamProblems(events)).toEqual([]);
    expect(blocks(events)).toEqual([
      ["thinking", "need ls</th"],
      ["tool_use", ""],
    ]);
  });

  test("with think_tags off the tags stay in the text", () => {
    const events = translate([content(answer), stop], "off");
    expect(blocks(events)).toEqual([["text", answer]]);
  });
});
