import { describe, expect, test } from "bun:test";
import {
  validateCountTokensRequest,
  validateMessagesRequest,
} from "../../../src/translate/anthropic-types.ts";

const minimal = { model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "hi" }] };

describe("validateMessagesRequest", () => {
  test("accepts a minimal request and hands back the very same object", () => {
    const result = validateMessagesRequest(minimal);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toBe(minimal);
  });

  test("lets unknown fields, a system role inside messages and new block types through untouched", () => {
    const body = {
      ...minimal,
      context_management: { edits: [] },
      thinking: { type: "adaptive", display: "omitted" },
      output_config: { effort: "high" },
      tools: [
        { name: "Read", input_schema: { type: "object" }, defer_loading: true },
        { type: "mcp_toolset", x: 1 },
      ],
      messages: [
        { role: "system", content: [{ type: "text", text: "note", cache_control: { type: "ephemeral" } }] },
        {
          role: "user",
          content: [
            { type: "brand_new_block", payload: { a: 1 } },
            { type: "text", text: "hi" },
          ],
        },
        { role: "critic", content: "a role from the future" },
      ],
    };
    const copy = structuredClone(body);
    const result = validateMessagesRequest(body);
    expect(result).toEqual({ ok: true, value: copy });
  });

  test("lists every problem at once, each with its path", () => {
    const result = validateMessagesRequest({
      max_tokens: -1,
      messages: [
        { role: "user", content: 5 },
        { role: "assistant", content: [{ type: "tool_use", name: "f", input: {} }, { text: "no type" }] },
      ],
      temperature: "hot",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContain("model: field required");
    expect(result.issues.some((i) => i.startsWith("max_tokens:"))).toBe(true);
    expect(result.issues.some((i) => i.startsWith("messages.0.content:"))).toBe(true);
    expect(result.issues).toContain("messages.1.content.0.id: field required");
    expect(result.issues).toContain("messages.1.content.1.type: field required");
    expect(result.issues.some((i) => i.startsWith("temperature:"))).toBe(true);
  });

  test("checks the fields of known block types, including inside tool results", () => {
    const result = validateMessagesRequest({
      ...minimal,
      messages: [
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "image", source: "nope" }] }],
        },
      ],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]).toStartWith("messages.0.content.0.content.0.source:");
  });

  test("refuses a body that is not an object", () => {
    expect(validateMessagesRequest([1, 2])).toEqual({
      ok: false,
      issues: [expect.stringMatching(/^body: /)],
    });
    expect(validateMessagesRequest(null).ok).toBe(false);
  });

  test("accepts max_tokens 0 (cache pre-warming) but not fractions", () => {
    expect(validateMessagesRequest({ ...minimal, max_tokens: 0 }).ok).toBe(true);
    expect(validateMessagesRequest({ ...minimal, max_tokens: 1.5 }).ok).toBe(false);
  });
});

describe("validateCountTokensRequest", () => {
  test("needs no max_tokens but still checks messages", () => {
    expect(validateCountTokensRequest({ model: "m", messages: [{ role: "user", content: "hi" }] }).ok).toBe(
      true,
    );
    const bad = validateCountTokensRequest({ model: "m", messages: [{ content: "hi" }] });
    expect(bad).toEqual({ ok: false, issues: ["messages.0.role: field required"] });
  });
});
