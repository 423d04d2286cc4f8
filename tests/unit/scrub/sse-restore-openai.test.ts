import { describe, expect, test } from "bun:test";
import { createScrubber } from "../../../src/scrub/scrub.ts";
import type { SseEvent } from "../../../src/sse/types.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";
import { chunked, encodeAll, json, pipe, splitsInTwo } from "../../fixtures/scrub/sse.ts";

const scrubber = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32).fill(4) });
const token = j("sk-", "proj-", fake(ALNUM, 60, 8));
const ph = scrubber.scrubText(`key ${token}`).text.slice(4);
const modelText = `export OPENAI_API_KEY=${ph}\n`;
const realText = `export OPENAI_API_KEY=${token}\n`;
const modelArgs = JSON.stringify({ env: { KEY: ph }, cmd: "run" });
const realArgs = { env: { KEY: token }, cmd: "run" };

const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt" };
const chunk = (delta: object, finish: string | null = null): SseEvent => ({
  data: JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] }),
});

function chatStream(textParts: string[], argParts: string[]): SseEvent[] {
  return [
    chunk({ role: "assistant", content: "" }),
    ...textParts.map((content) => chunk({ content })),
    chunk({
      tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "sh", arguments: "" } }],
    }),
    ...argParts.map((a) => chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
    chunk({}, "tool_calls"),
    { data: JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }) },
    { data: "[DONE]" },
  ];
}

function chatView(events: SseEvent[]) {
  let text = "";
  let args = "";
  let finished = false;
  for (const ev of events) {
    if (ev.data === "[DONE]") break;
    const d = json(ev) as {
      choices: {
        delta?: { content?: string; tool_calls?: { function?: { arguments?: string } }[] };
        finish_reason: string | null;
      }[];
    };
    for (const c of d.choices) {
      if (finished) throw new Error("delta after finish_reason");
      text += c.delta?.content ?? "";
      for (const t of c.delta?.tool_calls ?? []) args += t.function?.arguments ?? "";
      if (c.finish_reason !== null) finished = true;
    }
  }
  return { text, args, finished };
}

const run = (events: SseEvent[], size = 4096) =>
  pipe(scrubber.sseRestoreTransform("openai"), chunked(encodeAll(events), size));

describe("OpenAI Chat Completions SSE restore", () => {
  test("restores content split at every position", async () => {
    for (const [a, b] of splitsInTwo(modelText)) {
      expect(chatView(await run(chatStream([a, b], [modelArgs]))).text).toBe(realText);
    }
  });

  test("restores tool call arguments split at every position", async () => {
    for (const [a, b] of splitsInTwo(modelArgs)) {
      const view = chatView(await run(chatStream([modelText], [a, b])));
      expect(JSON.parse(view.args)).toEqual(realArgs);
    }
  });

  test("restores one-character deltas arriving one byte at a time", async () => {
    const view = chatView(await run(chatStream([...modelText], [...modelArgs]), 1));
    expect(view.text).toBe(realText);
    expect(JSON.parse(view.args)).toEqual(realArgs);
    expect(view.finished).toBe(true);
  });

  test("puts a held tail into the finish chunk", async () => {
    const out = await run(chatStream(["a ", ph.slice(0, 10)], []));
    const finish = out.find((e) => e.data.includes('"finish_reason":"tool_calls"'))!;
    expect(json(finish)).toMatchObject({ choices: [{ delta: { content: ph.slice(0, 10) } }] });
  });

  test("sends held text in one extra chunk before [DONE] when no finish_reason came", async () => {
    const events = [chunk({ content: `x ${ph.slice(0, 8)}` }), { data: "[DONE]" }];
    const out = await run(events);
    expect(out.at(-1)!.data).toBe("[DONE]");
    expect(chatView(out).text).toBe(`x ${ph.slice(0, 8)}`);
  });

  test("passes chunks without placeholders through unchanged", async () => {
    const input = chatStream(["hello"], ['{"a":1}']);
    expect(await run(input)).toEqual(input);
  });
});

describe("OpenAI Responses SSE restore", () => {
  const ev = (type: string, body: object, seq: number): SseEvent => ({
    event: type,
    data: JSON.stringify({ type, sequence_number: seq, ...body }),
  });
  function responsesStream(textParts: string[], argParts: string[]): SseEvent[] {
    let seq = 0;
    const text = { item_id: "msg_1", output_index: 0, content_index: 0 };
    const fn = { item_id: "fc_1", output_index: 1 };
    return [
      ev("response.created", { response: { id: "resp_1", status: "in_progress", output: [] } }, seq++),
      ...textParts.map((delta) => ev("response.output_text.delta", { ...text, delta }, seq++)),
      ev("response.output_text.done", { ...text, text: textParts.join("") }, seq++),
      ...argParts.map((delta) => ev("response.function_call_arguments.delta", { ...fn, delta }, seq++)),
      ev("response.function_call_arguments.done", { ...fn, arguments: argParts.join("") }, seq++),
      ev(
        "response.completed",
        {
          response: {
            id: "resp_1",
            status: "completed",
            output: [{ type: "function_call", name: "sh", call_id: "c1", arguments: argParts.join("") }],
          },
        },
        seq++,
      ),
    ];
  }
  function responsesView(events: SseEvent[]) {
    let text = "";
    let args = "";
    let doneText = "";
    let doneArgs = "";
    let final = "";
    for (const e of events) {
      const d = json(e) as Record<string, unknown> & { response?: { output: { arguments: string }[] } };
      if (d.type === "response.output_text.delta") text += d.delta;
      if (d.type === "response.function_call_arguments.delta") args += d.delta;
      if (d.type === "response.output_text.done") doneText = d.text as string;
      if (d.type === "response.function_call_arguments.done") doneArgs = d.arguments as string;
      if (d.type === "response.completed") final = d.response!.output[0]!.arguments;
    }
    return { text, args, doneText, doneArgs, final };
  }

  test("restores output text and function arguments split at every position", async () => {
    for (const [a, b] of splitsInTwo(modelText)) {
      const view = responsesView(await run(responsesStream([a, b], [modelArgs])));
      expect(view.text).toBe(realText);
      expect(view.doneText).toBe(realText);
    }
    for (const [a, b] of splitsInTwo(modelArgs)) {
      const view = responsesView(await run(responsesStream([modelText], [a, b])));
      expect(JSON.parse(view.args)).toEqual(realArgs);
      expect(JSON.parse(view.doneArgs)).toEqual(realArgs);
      expect(JSON.parse(view.final)).toEqual(realArgs);
    }
  });

  test("restores one-character deltas arriving one byte at a time", async () => {
    const view = responsesView(await run(responsesStream([...modelText], [...modelArgs]), 1));
    expect(view.text).toBe(realText);
    expect(JSON.parse(view.args)).toEqual(realArgs);
  });
});
