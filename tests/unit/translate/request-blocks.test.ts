// User-side Anthropic blocks that Chat Completions can or cannot carry: text documents become
// text, a PDF a file part (OpenAI), other documents a note that they were left out (and listed),
// images need a whole source, and a null
// cache_control is no cache_control. Written from the survivors of
// `make mutate MODULE=translate-request`.
import { describe, expect, test } from "bun:test";
import type { MessagesRequest } from "../../../src/translate/anthropic-types.ts";
import { presets } from "../../../src/translate/presets.ts";
import { toChatRequest } from "../../../src/translate/request.ts";

function chat(content: unknown[]) {
  const req = { model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content }] };
  const r = toChatRequest(req as MessagesRequest, { model: "gpt-5", preset: presets.openai! });
  if (!r.ok) throw new Error(r.error);
  return { content: r.body.messages[0]?.content, dropped: r.dropped };
}
const text = (t: string) => ({ type: "text", text: t });
const NOTE = (kind: string) => `[document (${kind}) left out: this model's backend cannot read it]`;

describe("documents", () => {
  test("a plain-text document is sent as its text", () => {
    const doc = { type: "document", source: { type: "text", media_type: "text/plain", data: "doc text" } };
    expect(chat([doc, text("q")])).toEqual({ content: "doc text\n\nq", dropped: [] });
  });

  test("an inline-content document of text blocks is sent as those texts", () => {
    const doc = { type: "document", source: { type: "content", content: [text("a"), text("b")] } };
    expect(chat([doc])).toEqual({ content: "a\n\nb", dropped: [] });
  });

  test("an inline-content document with anything but text is dropped whole and listed", () => {
    const image = { type: "image", source: { type: "url", url: "https://example.com/x.png" } };
    const doc = { type: "document", source: { type: "content", content: [text("a"), image] } };
    expect(chat([doc, text("q")])).toEqual({
      content: `${NOTE("content source")}\n\nq`,
      dropped: ["document"],
    });
  });

  test("a PDF goes as a file part; a text source without its data is left out with a note, listed", () => {
    const pdf = { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBE" } };
    const empty = { type: "document", source: { type: "text", media_type: "text/plain" } };
    expect(chat([pdf, text("q")])).toEqual({
      content: [
        { type: "file", file: { filename: "document.pdf", file_data: "data:application/pdf;base64,JVBE" } },
        { type: "text", text: "q" },
      ],
      dropped: [],
    });
    expect(chat([empty, text("q")])).toEqual({
      content: `${NOTE("text/plain")}\n\nq`,
      dropped: ["document"],
    });
  });

  test("a content source whose content is not a list is left out with a note, listed", () => {
    const doc = { type: "document", source: { type: "content", content: "a" } };
    expect(chat([doc, text("q")])).toEqual({
      content: `${NOTE("content source")}\n\nq`,
      dropped: ["document"],
    });
  });
});

describe("images", () => {
  test("base64 without a media type, or a url source without a url, is dropped and listed", () => {
    const noType = { type: "image", source: { type: "base64", data: "AA" } };
    const noUrl = { type: "image", source: { type: "url" } };
    expect(chat([noType, text("q")])).toEqual({ content: "q", dropped: ["image:base64"] });
    expect(chat([noUrl, text("q")])).toEqual({ content: "q", dropped: ["image:url"] });
  });

  test("a base64 source with a url field, or a url source with data, is not mistaken for the other", () => {
    const b64 = { type: "image", source: { type: "base64", url: "https://x", media_type: "image/png" } };
    const url = { type: "image", source: { type: "url", data: "AA", media_type: "image/png" } };
    expect(chat([b64, text("q")])).toEqual({ content: "q", dropped: ["image:base64"] });
    expect(chat([url, text("q")])).toEqual({ content: "q", dropped: ["image:url"] });
  });
});

describe("cache_control", () => {
  test("null is no cache_control; an object is listed as dropped", () => {
    expect(chat([{ ...text("q"), cache_control: null }])).toEqual({ content: "q", dropped: [] });
    expect(chat([{ ...text("q"), cache_control: { type: "ephemeral" } }])).toEqual({
      content: "q",
      dropped: ["cache_control"],
    });
  });
});
