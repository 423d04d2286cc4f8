// What an answer holds reaches the client in a shape Anthropic itself would accept on replay: no
// text block of whitespace only, never an empty answer, tool arguments repaired or kept raw.
import { describe, expect, test } from "bun:test";
import type { MessagesStreamEvent } from "../../../src/translate/anthropic-types.ts";
import type { ChatChunk } from "../../../src/translate/openai-types.ts";
import { fromChatResponse, NO_CONTENT_TEXT } from "../../../src/translate/response.ts";
import { ChatToMessagesStream } from "../../../src/translate/streaming.ts";
import { streamProblems, toolInputs } from "./stream-checks.ts";

const delta = (d: Record<string, unknown>, finish: string | null = null): ChatChunk => ({
  choices: [{ index: 0, delta: d, finish_reason: finish }],
});
const call = (args: string, id = "call_1") => ({
  tool_calls: [{ index: 0, id, type: "function", function: { name: "Bash", arguments: args } }],
});
const run = (chunks: ChatChunk[]) => {
  const stream = new ChatToMessagesStream({ model: "m", id: "msg_1" });
  const events: MessagesStreamEvent[] = [...chunks.flatMap((c) => stream.push(c)), ...stream.finish()];
  expect(streamProblems(events)).toEqual([]);
  return { stream, events };
};
const blocks = (events: MessagesStreamEvent[]) =>
  events.flatMap((e) => (e.type === "content_block_start" ? [e.content_block.type] : []));
const texts = (events: MessagesStreamEvent[]) =>
  events.flatMap((e) =>
    e.type === "content_block_delta" && e.delta.type === "text_delta" ? [e.delta.text] : [],
  );

describe("streamed content", () => {
  test("whitespace before a tool call opens no text block, and does not hold the call back", () => {
    const stream = new ChatToMessagesStream({ model: "m", id: "msg_1" });
    stream.push(delta({ content: "\n\n" }));
    const early = stream.push(delta(call('{"command":')));
    expect(early.some((e) => e.type === "content_block_start" && e.content_block.type === "tool_use")).toBe(
      true,
    );
    const rest = [...stream.push(delta(call('"ls"}'), "tool_calls")), ...stream.finish()];
    expect(blocks([...early, ...rest])).toEqual(["tool_use"]);
  });

  test("whitespace that turns into words is sent with them", () => {
    const { events } = run([delta({ content: "\n" }), delta({ content: "Hello" }), delta({}, "stop")]);
    expect(blocks(events)).toEqual(["text"]);
    expect(texts(events).join("")).toBe("\nHello");
  });

  test("an answer with nothing to show gets one placeholder text block", () => {
    for (const chunks of [[delta({}, "stop")], [delta({ content: "  \n" }, "stop")], []]) {
      const { events } = run(chunks);
      expect(blocks(events)).toEqual(["text"]);
      expect(texts(events)).toEqual([NO_CONTENT_TEXT]);
    }
  });

  test("reasoning alone is not an answer: the placeholder follows the thinking block", () => {
    const { events } = run([delta({ reasoning_content: "hmm" }), delta({}, "length")]);
    expect(blocks(events)).toEqual(["thinking", "text"]);
  });

  test("tool arguments that are not JSON stay visible and count as a translation drop", () => {
    const { stream, events } = run([delta(call("ls -la")), delta({}, "tool_calls")]);
    expect(toolInputs(events).get("call_1")).toEqual({ _raw_arguments: "ls -la" });
    expect([...stream.dropped]).toEqual(["tool_arguments"]);
  });

  test("tool arguments with a trailing comma are repaired, not dropped", () => {
    const { stream, events } = run([
      delta(call('{"command":"ls",')),
      delta(call("}")),
      delta({}, "tool_calls"),
    ]);
    expect(toolInputs(events).get("call_1")).toEqual({ command: "ls" });
    expect(stream.dropped.size).toBe(0);
  });
});

describe("a whole answer", () => {
  const answer = (message: Record<string, unknown>, dropped: string[] = []) =>
    fromChatResponse(
      { choices: [{ index: 0, message, finish_reason: "stop" }] },
      { requestModel: "m", onDrop: (d) => dropped.push(d) },
    );

  test("whitespace-only text is left out; nothing at all becomes the placeholder", () => {
    expect(answer({ content: " \n " }).content).toEqual([{ type: "text", text: NO_CONTENT_TEXT }]);
    expect(answer({ content: null }).content).toEqual([{ type: "text", text: NO_CONTENT_TEXT }]);
    expect(answer({ content: "fine" }).content).toEqual([{ type: "text", text: "fine" }]);
  });

  test("tool arguments are repaired or kept raw, and a raw one is reported", () => {
    const dropped: string[] = [];
    const message = answer(
      {
        content: null,
        tool_calls: [
          { id: "a", type: "function", function: { name: "Bash", arguments: '{"command":"ls"' } },
          { id: "b", type: "function", function: { name: "Bash", arguments: "rm -rf" } },
        ],
      },
      dropped,
    );
    expect(message.content).toEqual([
      { type: "tool_use", id: "a", name: "Bash", input: { command: "ls" } },
      { type: "tool_use", id: "b", name: "Bash", input: { _raw_arguments: "rm -rf" } },
    ]);
    expect(dropped).toEqual(["tool_arguments"]);
  });
});
