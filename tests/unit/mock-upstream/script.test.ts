// The reply scripts a prompt carries: `call <Tool> with {json}` (parallel when repeated),
// `think aloud` for Chat reasoning text, and a summary for a compaction request, on the wire of
// the Anthropic and Chat Completions APIs, streamed and not.
import { describe, expect, test } from "bun:test";
import { scriptedCalls } from "../../../src/mock-upstream/script.ts";
import type { Conversation } from "../../../src/mock-upstream/types.ts";
import { postJson, sseJson, useMock } from "./helpers.ts";

const mock = useMock();
const tools = [
  {
    name: "Bash",
    description: "run",
    input_schema: { type: "object", properties: { command: { type: "string" } } },
  },
  {
    name: "Read",
    description: "read",
    input_schema: { type: "object", properties: { file_path: { type: "string" } } },
  },
];
const chatTools = tools.map((t) => ({
  type: "function",
  function: { name: t.name, description: t.description, parameters: t.input_schema },
}));
const PARALLEL = 'Please call Bash with {"command":"ls -la"} and call read with {"file_path":"/tmp/a b.txt"}';

const conv = (lastUserText: string, extra: Partial<Conversation> = {}): Conversation => ({
  lastUserText,
  tools: tools.map((t) => ({ name: t.name, schema: t.input_schema })),
  toolChoice: { kind: "auto" },
  thinking: false,
  ...extra,
});

describe("scripted calls", () => {
  test("each `call <Tool> with {json}` is one call, with exactly those arguments, in order", () => {
    expect(scriptedCalls(conv(PARALLEL)).map((c) => [c.tool.name, c.args])).toEqual([
      ["Bash", { command: "ls -la" }],
      ["Read", { file_path: "/tmp/a b.txt" }],
    ]);
  });
  test("braces inside strings do not end the arguments", () => {
    const calls = scriptedCalls(conv('call Bash with {"command":"echo \\"}{\\""} please'));
    expect(calls.map((c) => c.args)).toEqual([{ command: 'echo "}{"' }]);
  });
  test("unknown tools, broken JSON, a tool result or tool_choice none script nothing", () => {
    expect(scriptedCalls(conv('call Write with {"a":1}'))).toEqual([]);
    expect(scriptedCalls(conv("call Bash with {oops}"))).toEqual([]);
    expect(scriptedCalls(conv(PARALLEL, { toolResult: "done" }))).toEqual([]);
    expect(scriptedCalls(conv(PARALLEL, { toolChoice: { kind: "none" } }))).toEqual([]);
  });
});

describe("on the wire", () => {
  test("Anthropic: parallel tool_use blocks, streamed and whole", async () => {
    const body = {
      model: "claude-x",
      max_tokens: 64,
      tools,
      messages: [{ role: "user", content: PARALLEL }],
    };
    const whole = await (await postJson(`${mock.current.url}/v1/messages`, body)).json();
    expect(whole.stop_reason).toBe("tool_use");
    expect(whole.content.map((b: { name: string; input: unknown }) => [b.name, b.input])).toEqual([
      ["Bash", { command: "ls -la" }],
      ["Read", { file_path: "/tmp/a b.txt" }],
    ]);
    expect(new Set(whole.content.map((b: { id: string }) => b.id)).size).toBe(2);
    const text = await (await postJson(`${mock.current.url}/v1/messages`, { ...body, stream: true })).text();
    const starts = sseJson(text).filter((e) => e.type === "content_block_start");
    expect(starts.map((e) => (e.content_block as { name: string }).name)).toEqual(["Bash", "Read"]);
  });

  test("Chat Completions: parallel tool_calls, and reasoning_content when asked to think aloud", async () => {
    const prompt = `think aloud, then ${PARALLEL}`;
    const body = {
      model: "gpt-4o",
      reasoning_effort: "low",
      tools: chatTools,
      messages: [{ role: "user", content: prompt }],
    };
    const whole = await (await postJson(`${mock.current.url}/v1/chat/completions`, body)).json();
    const message = whole.choices[0].message;
    expect(
      message.tool_calls.map((c: { function: { name: string; arguments: string } }) => [
        c.function.name,
        JSON.parse(c.function.arguments),
      ]),
    ).toEqual([
      ["Bash", { command: "ls -la" }],
      ["Read", { file_path: "/tmp/a b.txt" }],
    ]);
    expect(message.reasoning_content).toStartWith("Mock thinking about:");
    const text = await (
      await postJson(`${mock.current.url}/v1/chat/completions`, { ...body, stream: true })
    ).text();
    const deltas = sseJson(text).map(
      (c) => (c.choices as { delta: Record<string, unknown> }[])[0]?.delta ?? {},
    );
    expect(deltas.some((d) => typeof d.reasoning_content === "string")).toBe(true);
    const opened = deltas.flatMap(
      (d) => (d.tool_calls as { index: number; id?: string }[] | undefined) ?? [],
    );
    expect(opened.filter((c) => c.id !== undefined).map((c) => c.index)).toEqual([0, 1]);
  });

  test("without `think aloud` Chat reasoning stays private, as OpenAI's does", async () => {
    const body = { model: "gpt-4o", reasoning_effort: "low", messages: [{ role: "user", content: "hi" }] };
    const whole = await (await postJson(`${mock.current.url}/v1/chat/completions`, body)).json();
    expect(whole.choices[0].message.reasoning_content).toBeUndefined();
  });

  test("a tool result whose image follows in a user message of its own still ends the script", async () => {
    const body = {
      model: "gpt-4o",
      tools: chatTools,
      messages: [
        { role: "user", content: 'call Read with {"file_path":"/a.png"}' },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "Read", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "(image attached in the next message)" },
        { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AA==" } }] },
      ],
    };
    const whole = await (await postJson(`${mock.current.url}/v1/chat/completions`, body)).json();
    expect(whole.choices[0].message.tool_calls).toBeUndefined();
    expect(whole.choices[0].message.content).toStartWith("Mock reply to tool result:");
  });

  test("a compaction request gets an analysis and a summary", async () => {
    const content = "Summarise. Put the summary inside <summary></summary> tags.";
    const body = { model: "claude-x", max_tokens: 64, messages: [{ role: "user", content }] };
    const whole = await (await postJson(`${mock.current.url}/v1/messages`, body)).json();
    expect(whole.content.at(-1).text).toMatch(
      /^<analysis>.*<\/analysis>\n<summary>Mock summary: .*<\/summary>$/,
    );
  });
});
