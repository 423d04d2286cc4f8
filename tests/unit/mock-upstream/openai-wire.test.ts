import { describe, expect, test } from "bun:test";
import { postJson, sseEvents, sseJson, useMock } from "./helpers.ts";

const mock = useMock();
const chat = (body: unknown, headers: Record<string, string> = {}) =>
  postJson(`${mock.current.url}/v1/chat/completions`, body, headers);
const tool = {
  type: "function",
  function: {
    name: "lookup",
    parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
  },
};
type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown };

describe("OpenAI Chat Completions on the wire", () => {
  test("answers a non-streamed request with a chat.completion and full usage details", async () => {
    const body = await (
      await chat({ model: "gpt-4o", messages: [{ role: "user", content: "Hello openai" }] })
    ).json();
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0].message.content).toStartWith("Mock reply to: Hello openai");
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.usage.prompt_tokens_details).toHaveProperty("cached_tokens");
    expect(body.usage.completion_tokens_details).toHaveProperty("reasoning_tokens");
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  test("streams data chunks ending with [DONE] and no usage chunk unless asked", async () => {
    const text = await (
      await chat(
        { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] },
        { "x-mock-events": "4" },
      )
    ).text();
    const events = sseEvents(text);
    expect(events.every((e) => e.event === undefined)).toBe(true);
    expect(events.at(-1)?.data).toBe("[DONE]");
    const chunks = sseJson(text) as Chunk[];
    expect(chunks).toHaveLength(1 + 4 + 1);
    expect(chunks.every((c) => c.choices.length === 1 && !("usage" in c))).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  test("adds a final usage chunk with empty choices when stream_options.include_usage is true", async () => {
    const request = { model: "gpt-4o", messages: [{ role: "user", content: "count me" }] };
    const plain = await (await chat(request)).json();
    const chunks = sseJson(
      await (await chat({ ...request, stream: true, stream_options: { include_usage: true } })).text(),
    ) as Chunk[];
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(plain.usage);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe(plain.choices[0].message.content);
  });

  test("streams a tool call with its arguments split over several chunks", async () => {
    const chunks = sseJson(
      await (
        await chat({
          model: "gpt-4o",
          stream: true,
          tools: [tool],
          tool_choice: "required",
          messages: [{ role: "user", content: "find it" }],
        })
      ).text(),
    ) as Chunk[];
    type Call = { id?: string; function: { name?: string; arguments: string } };
    const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as Call[] | undefined) ?? []);
    expect(calls[0]).toMatchObject({ id: expect.any(String), function: { name: "lookup", arguments: "" } });
    expect(calls.length).toBeGreaterThan(2);
    expect(JSON.parse(calls.map((c) => c.function.arguments).join(""))).toEqual({ q: "mock" });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  test("answers a role:tool message with text quoting the result", async () => {
    const body = await (
      await chat({
        model: "gpt-4o",
        tools: [tool],
        messages: [
          { role: "user", content: "use tool" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "c1", content: "found 42 results" },
        ],
      })
    ).json();
    expect(body.choices[0].message.content).toContain("found 42 results");
  });

  test("counts reasoning tokens when reasoning_effort is set", async () => {
    const body = await (
      await chat({ model: "gpt-4o", reasoning_effort: "low", messages: [{ role: "user", content: "think" }] })
    ).json();
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  test("answers a missing model with a 400 in OpenAI error format", async () => {
    const res = await chat({ messages: [{ role: "user", content: "x" }] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", param: null } });
  });

  test("answers embeddings as floats or base64 float32 with the same numbers", async () => {
    const floats = await (
      await postJson(`${mock.current.url}/v1/embeddings`, {
        model: "e",
        input: ["a", "b"],
        dimensions: 8,
        encoding_format: "float",
      })
    ).json();
    expect(floats.data).toHaveLength(2);
    const first = floats.data[0].embedding as number[];
    expect(first).toHaveLength(8);
    expect(Math.hypot(...first)).toBeCloseTo(1, 5);
    const b64 = await (
      await postJson(`${mock.current.url}/v1/embeddings`, {
        model: "e",
        input: "a",
        dimensions: 8,
        encoding_format: "base64",
      })
    ).json();
    const decoded = new Float32Array(Buffer.from(b64.data[0].embedding, "base64").buffer.slice(0));
    expect(Array.from(decoded)).toEqual(first);
  });
});
