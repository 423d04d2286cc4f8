// Documents to an OpenAI-format backend: a PDF as a file part where the backend takes one,
// text documents as text, anything else as a note telling the model a document was left out
// (and listed as dropped) — never silently gone.
import { describe, expect, test } from "bun:test";
import type { MessagesRequest } from "../../../src/translate/anthropic-types.ts";
import { presets } from "../../../src/translate/presets.ts";
import { toChatRequest } from "../../../src/translate/request.ts";

const PDF = { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" };
const URL_PDF = { type: "url", url: "https://example.com/a.pdf" };

function translate(preset: keyof typeof presets, content: unknown[]) {
  const req = {
    model: "m",
    max_tokens: 16,
    messages: [{ role: "user", content }],
  } as unknown as MessagesRequest;
  const r = toChatRequest(req, { model: "m", preset: presets[preset]! });
  if (!r.ok) throw new Error(r.error);
  return { messages: r.body.messages, dropped: r.dropped };
}

describe("documents", () => {
  test("a base64 PDF becomes a file part for OpenAI and OpenRouter", () => {
    for (const preset of ["openai", "openrouter"] as const) {
      const { messages, dropped } = translate(preset, [{ type: "document", source: PDF, title: "spec.pdf" }]);
      expect(messages).toEqual([
        {
          role: "user",
          content: [
            {
              type: "file",
              file: { filename: "spec.pdf", file_data: "data:application/pdf;base64,JVBERi0xLjQK" },
            },
          ],
        },
      ]);
      expect(dropped).toEqual([]);
    }
  });

  test("a PDF by URL goes to OpenRouter as it is; OpenAI cannot fetch it, so a note stands in", () => {
    const routed = translate("openrouter", [{ type: "document", source: URL_PDF }]);
    expect(routed.messages[0]).toEqual({
      role: "user",
      content: [{ type: "file", file: { filename: "document.pdf", file_data: "https://example.com/a.pdf" } }],
    });
    const openai = translate("openai", [{ type: "document", source: URL_PDF }]);
    expect(openai.messages[0]).toEqual({
      role: "user",
      content: "[document (url source) left out: this model's backend cannot read it]",
    });
    expect(openai.dropped).toEqual(["document"]);
  });

  test("a backend without file parts gets a note in the message, and the drop is listed", () => {
    const { messages, dropped } = translate("ollama", [
      { type: "text", text: "Summarise:" },
      { type: "document", source: PDF, title: "q3 report" },
    ]);
    expect(messages[0]).toEqual({
      role: "user",
      content:
        'Summarise:\n\n[document "q3 report" (application/pdf) left out: this model\'s backend cannot read it]',
    });
    expect(dropped).toEqual(["document"]);
  });

  test("text documents are text everywhere", () => {
    const { messages, dropped } = translate("ollama", [
      { type: "document", source: { type: "text", media_type: "text/plain", data: "plain notes" } },
      { type: "document", source: { type: "content", content: [{ type: "text", text: "inline" }] } },
    ]);
    expect(messages[0]).toEqual({ role: "user", content: "plain notes\n\ninline" });
    expect(dropped).toEqual([]);
  });

  test("a PDF inside a tool result follows in the next user message", () => {
    const req = {
      model: "m",
      max_tokens: 16,
      messages: [
        { role: "user", content: "read it" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "t1", name: "Read", input: { file_path: "/a.pdf" } }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "document", source: PDF }] }],
        },
      ],
    } as unknown as MessagesRequest;
    const r = toChatRequest(req, { model: "m", preset: presets.openai! });
    if (!r.ok) throw new Error(r.error);
    expect(r.body.messages.slice(2)).toEqual([
      { role: "tool", tool_call_id: "t1", content: "(document attached in the next message)" },
      {
        role: "user",
        content: [
          {
            type: "file",
            file: { filename: "document.pdf", file_data: "data:application/pdf;base64,JVBERi0xLjQK" },
          },
        ],
      },
    ]);
  });
});
