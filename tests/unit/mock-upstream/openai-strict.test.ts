// The mock's Chat Completions endpoint refuses what a strict OpenAI server refuses, so a field
// that leaks out of translation fails a test. And every request golden of
// tests/fixtures/translate/request is a body such a server takes, but for its preset's own
// documented extensions, listed here by name.
import { describe, expect, test } from "bun:test";
import { strictChatProblem } from "../../../src/mock-upstream/openai-strict.ts";
import { goldens } from "../translate/golden.ts";
import { postJson, useMock } from "./helpers.ts";

const mock = useMock();
const chat = (body: unknown) => postJson(`${mock.current.url}/v1/chat/completions`, body);
const hi = [{ role: "user", content: "hi" }];

async function refusal(
  body: Record<string, unknown>,
): Promise<{ status: number; error: Record<string, unknown> }> {
  const before = mock.current.requests.length;
  const r = await chat(body);
  const json = (await r.json()) as { error: Record<string, unknown> };
  expect(mock.current.requests.length).toBe(before + 1);
  return { status: r.status, error: json.error };
}

describe("the strict Chat Completions endpoint", () => {
  test("refuses an unknown top-level field with OpenAI's 400 and names it", async () => {
    const { status, error } = await refusal({ model: "gpt-4o", messages: hi, frobnicate: true });
    expect(status).toBe(400);
    expect(error).toEqual({
      message: "Unrecognized request argument supplied: frobnicate",
      type: "invalid_request_error",
      param: "frobnicate",
      code: null,
    });
  });

  test("refuses Anthropic-only fields: thinking, betas, top_k, top-level cache_control", async () => {
    for (const [field, value] of [
      ["thinking", { type: "enabled", budget_tokens: 1024 }],
      ["betas", ["context-management-2025-06-27"]],
      ["top_k", 40],
      ["cache_control", { type: "ephemeral" }],
      ["stop_sequences", ["END"]],
      ["system", "be brief"],
    ] as const) {
      const { status, error } = await refusal({ model: "gpt-4o", messages: hi, [field]: value });
      expect(status).toBe(400);
      expect(error.param).toBe(field);
    }
  });

  test("refuses cache_control on a message, a content part and a tool, naming the path", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        {
          model: "gpt-4o",
          messages: [{ role: "user", content: "hi", cache_control: { type: "ephemeral" } }],
        },
        "messages[0].cache_control",
      ],
      [
        {
          model: "gpt-4o",
          messages: [
            { role: "system", content: "s" },
            { role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] },
          ],
        },
        "messages[1].content[0].cache_control",
      ],
      [
        {
          model: "gpt-4o",
          messages: hi,
          tools: [{ type: "function", function: { name: "f", parameters: {} }, cache_control: {} }],
        },
        "tools[0].cache_control",
      ],
      [
        {
          model: "gpt-4o",
          messages: hi,
          tools: [{ type: "function", function: { name: "f", input_schema: {} } }],
        },
        "tools[0].function.input_schema",
      ],
    ];
    for (const [body, param] of cases) {
      const { status, error } = await refusal(body);
      expect(status).toBe(400);
      expect(error.param).toBe(param);
      expect(error.message).toContain("was unexpected");
    }
  });

  test("refuses Anthropic shapes inside messages: blocks, roles and tool calls", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { model: "gpt-4o", messages: [{ role: "user", content: [{ type: "tool_result", content: "x" }] }] },
        "messages[0].content[0].type",
      ],
      [{ model: "gpt-4o", messages: [{ role: "human", content: "hi" }] }, "messages[0].role"],
      [
        {
          model: "gpt-4o",
          messages: [
            ...hi,
            {
              role: "assistant",
              content: null,
              tool_calls: [{ id: "c", type: "function", function: { name: "f", input: {} } }],
            },
          ],
        },
        "messages[1].tool_calls[0].function.input",
      ],
      [
        { model: "gpt-4o", messages: hi, stream: true, stream_options: { include_usage: true, foo: 1 } },
        "stream_options.foo",
      ],
      [
        {
          model: "gpt-4o",
          messages: hi,
          tool_choice: { type: "function", function: { name: "f" }, disable_parallel_tool_use: true },
        },
        "tool_choice.disable_parallel_tool_use",
      ],
      [
        {
          model: "gpt-4o",
          messages: hi,
          response_format: { type: "json_schema", json_schema: { name: "o", schema: {}, extra: 1 } },
        },
        "response_format.json_schema.extra",
      ],
    ];
    for (const [body, param] of cases) {
      const { status, error } = await refusal(body);
      expect(status).toBe(400);
      expect(error.param).toBe(param);
    }
  });

  test("takes a request that uses the reference's fields, and answers it", async () => {
    const r = await chat({
      model: "gpt-4o",
      messages: [
        { role: "developer", content: "d" },
        { role: "system", content: [{ type: "text", text: "s" }], name: "sys" },
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AA==" } },
          ],
        },
        {
          role: "assistant",
          content: null,
          refusal: null,
          annotations: [],
          tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "42" },
      ],
      tools: [
        {
          type: "function",
          function: { name: "f", description: "d", parameters: { type: "object" }, strict: false },
        },
      ],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      max_completion_tokens: 64,
      temperature: 0.5,
      top_p: 0.9,
      stop: ["END"],
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: "low",
      response_format: {
        type: "json_schema",
        json_schema: { name: "o", schema: { type: "object" }, strict: true },
      },
      user: "u",
      metadata: { k: "v" },
      seed: 1,
      n: 1,
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toEndWith("data: [DONE]\n\n");
  });
});

/** Fields each preset's backend documents beyond OpenAI's reference (what translation may send it). */
const EXTENSIONS: Record<string, { top: string[]; message: string[] }> = {
  openrouter: { top: ["reasoning", "top_k"], message: ["reasoning"] },
  deepseek: { top: ["thinking"], message: ["reasoning_content"] },
  vllm: { top: ["top_k"], message: [] },
  together: { top: ["top_k"], message: [] },
  fireworks: { top: ["top_k"], message: [] },
  lmstudio: { top: ["top_k"], message: [] },
};

function withoutExtensions(body: Record<string, unknown>, preset: string): Record<string, unknown> {
  const ext = EXTENSIONS[preset] ?? { top: [], message: [] };
  const out = Object.fromEntries(Object.entries(body).filter(([k]) => !ext.top.includes(k)));
  if (Array.isArray(out.messages)) {
    out.messages = out.messages.map((m: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(m).filter(([k]) => !ext.message.includes(k))),
    );
  }
  return out;
}

interface RequestGolden {
  preset: string;
  checked?: string;
  expected: { ok: boolean; body?: Record<string, unknown> };
}

describe("the request goldens", () => {
  const all = goldens<RequestGolden>("request");
  for (const g of all) {
    test(`${g.name}: says it was checked by hand against the reference, and its body passes the strict endpoint`, () => {
      expect(g.data.checked).toStartWith("Checked by hand against the OpenAI API reference");
      const { expected, preset } = g.data;
      if (!expected.ok || expected.body === undefined) return;
      expect(strictChatProblem(withoutExtensions(expected.body, preset))).toBeUndefined();
      // OpenAI's own preset gets no extension at all.
      if (preset === "openai") expect(strictChatProblem(expected.body)).toBeUndefined();
    });
  }

  test("the response and stream goldens say they were checked by hand against the reference", () => {
    for (const kind of ["response", "stream"]) {
      for (const g of goldens<{ checked?: string }>(kind)) {
        expect({
          name: g.name,
          checked: g.data.checked?.startsWith("Checked by hand against the OpenAI API reference"),
        }).toEqual({ name: g.name, checked: true });
      }
    }
  });
});
