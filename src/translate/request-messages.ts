// Anthropic system prompt and messages -> Chat Completions messages (pure).
// Promises: tool ids are kept exactly; tool results become `tool` messages right after the
// assistant turn that called them; whatever has no Chat equivalent is reported via `drop`.
import {
  type ContentBlockParam,
  type DocumentBlockParam,
  type ImageBlockParam,
  knownBlock,
  type Loose,
  type RequestMessage,
  type ToolResultBlockParam,
  type ToolResultPart,
} from "./anthropic-types.ts";
import type { ChatMessage, ChatToolCall, ChatUserPart } from "./openai-types.ts";
import type { Preset } from "./presets.ts";

export interface MessageContext {
  preset: Preset;
  /** Records a feature the backend cannot express, by a short name. */
  drop: (what: string) => void;
}

/** How several text blocks become one string. */
export const TEXT_JOIN = "\n\n";

function noteCacheControl(block: Loose, ctx: MessageContext): void {
  if (block.cache_control !== undefined && block.cache_control !== null) ctx.drop("cache_control");
}

function imagePart(block: ImageBlockParam, ctx: MessageContext): ChatUserPart | undefined {
  const { source } = block;
  if (source.type === "base64" && typeof source.data === "string" && typeof source.media_type === "string") {
    return { type: "image_url", image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  }
  if (source.type === "url" && typeof source.url === "string") {
    return { type: "image_url", image_url: { url: source.url } };
  }
  ctx.drop(`image:${source.type}`);
  return undefined;
}

/** The words a model gets in place of a document its backend cannot take. */
export function documentNote(block: DocumentBlockParam): string {
  const source = block.source as Loose & { type: string };
  const title =
    typeof block.title === "string" && block.title.trim() !== "" ? `"${block.title.trim()}" ` : "";
  const kind = typeof source.media_type === "string" ? source.media_type : `${source.type} source`;
  return `[document ${title}(${kind}) left out: this model's backend cannot read it]`;
}

/**
 * A document as Chat parts: text and inline-content documents as text, a PDF as a `file` part
 * where the backend takes one (preset.files), anything else as a note saying it was left out (and
 * reported as dropped), so the model knows something is missing.
 */
function documentPart(block: DocumentBlockParam, ctx: MessageContext): ChatUserPart {
  const source = block.source as Loose & { type: string };
  if (source.type === "text" && typeof source.data === "string") return { type: "text", text: source.data };
  if (source.type === "content" && Array.isArray(source.content)) {
    const texts = source.content
      .filter((b): b is { type: "text"; text: string } => b?.type === "text" && typeof b.text === "string")
      .map((b) => b.text);
    if (texts.length === source.content.length) return { type: "text", text: texts.join(TEXT_JOIN) };
  }
  const files = ctx.preset.files;
  const filename = typeof block.title === "string" && block.title !== "" ? block.title : "document.pdf";
  const pdf = source.media_type === undefined || source.media_type === "application/pdf";
  if (files !== undefined && pdf && source.type === "base64" && typeof source.data === "string") {
    return { type: "file", file: { filename, file_data: `data:application/pdf;base64,${source.data}` } };
  }
  if (files === "data-or-url" && source.type === "url" && typeof source.url === "string") {
    return { type: "file", file: { filename, file_data: source.url } };
  }
  ctx.drop("document");
  return { type: "text", text: documentNote(block) };
}

/** One user-side block (message content or tool_result content) as Chat parts. */
function userPart(block: ContentBlockParam | ToolResultPart, ctx: MessageContext): ChatUserPart | undefined {
  noteCacheControl(block, ctx);
  const known = knownBlock(block);
  switch (known?.type) {
    case "text":
      return { type: "text", text: known.text };
    case "image":
      return imagePart(known, ctx);
    case "document":
      return documentPart(known, ctx);
    default:
      ctx.drop(block.type);
      return undefined;
  }
}

function userContent(parts: ChatUserPart[]): string | ChatUserPart[] {
  const texts = parts.flatMap((p) => (p.type === "text" ? [p.text] : []));
  return texts.length === parts.length ? texts.join(TEXT_JOIN) : parts;
}

function toolResult(block: ToolResultBlockParam, ctx: MessageContext, images: ChatUserPart[]): ChatMessage {
  noteCacheControl(block, ctx);
  let text = "";
  if (typeof block.content === "string") text = block.content;
  else if (block.content !== undefined) {
    const parts = block.content.flatMap((b) => userPart(b, ctx) ?? []);
    text = parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join(TEXT_JOIN);
    const found = parts.filter((p) => p.type !== "text");
    images.push(...found);
    // A tool message holds text only; its images and files follow in the next user message.
    if (found.length > 0 && text === "") {
      text = found.some((p) => p.type === "file")
        ? "(document attached in the next message)"
        : "(image attached in the next message)";
    }
  }
  if (block.is_error === true) text = `Error: ${text}`;
  return { role: "tool", tool_call_id: block.tool_use_id, content: text };
}

function userMessages(content: string | ContentBlockParam[], ctx: MessageContext): ChatMessage[] {
  if (typeof content === "string") return [{ role: "user", content }];
  const out: ChatMessage[] = [];
  const images: ChatUserPart[] = [];
  const parts: ChatUserPart[] = [];
  for (const block of content) {
    const known = knownBlock(block);
    if (known?.type === "tool_result") out.push(toolResult(known, ctx, images));
    else {
      const part = userPart(block, ctx);
      if (part !== undefined) parts.push(part);
    }
  }
  const rest = [...images, ...parts];
  if (rest.length > 0) out.push({ role: "user", content: userContent(rest) });
  return out;
}

function assistantMessage(content: string | ContentBlockParam[], ctx: MessageContext): ChatMessage[] {
  if (typeof content === "string") return [{ role: "assistant", content }];
  const texts: string[] = [];
  const reasoning: string[] = [];
  const calls: ChatToolCall[] = [];
  const echo = ctx.preset.reasoningEcho;
  for (const block of content) {
    noteCacheControl(block, ctx);
    const known = knownBlock(block);
    if (known?.type === "text") texts.push(known.text);
    else if (known?.type === "tool_use") {
      const args = JSON.stringify(known.input ?? {});
      calls.push({ id: known.id, type: "function", function: { name: known.name, arguments: args } });
    } else if (known?.type === "thinking") {
      // An empty signature marks reasoning that a translated backend produced: not Anthropic's.
      const signed = (known.signature ?? "") !== "";
      if (echo !== undefined) reasoning.push(known.thinking);
      if (signed) ctx.drop(echo === undefined ? "thinking" : "thinking.signature");
    } else ctx.drop(block.type);
  }
  if (texts.length === 0 && calls.length === 0 && reasoning.length === 0) return [];
  const message: ChatMessage = {
    role: "assistant",
    content: texts.length > 0 ? texts.join(TEXT_JOIN) : null,
  };
  if (calls.length > 0) message.tool_calls = calls;
  if (echo !== undefined && (reasoning.length > 0 || (echo === "reasoning_content" && calls.length > 0))) {
    message[echo] = reasoning.join(TEXT_JOIN);
  }
  return [message];
}

/** The top-level `system` (string or text blocks) as one system message. */
export function systemMessages(
  system: string | ContentBlockParam[] | undefined,
  ctx: MessageContext,
): ChatMessage[] {
  if (system === undefined) return [];
  if (typeof system === "string") return system === "" ? [] : [{ role: "system", content: system }];
  const texts: string[] = [];
  for (const block of system) {
    noteCacheControl(block, ctx);
    const known = knownBlock(block);
    if (known?.type === "text") texts.push(known.text);
    else ctx.drop(`system:${block.type}`);
  }
  return texts.length === 0 ? [] : [{ role: "system", content: texts.join(TEXT_JOIN) }];
}

/** Every message in order; a `system` role inside messages stays a system message in place. */
export function convertMessages(messages: RequestMessage[], ctx: MessageContext): ChatMessage[] {
  return messages.flatMap((m) => {
    if (m.role === "user") return userMessages(m.content, ctx);
    if (m.role === "assistant") return assistantMessage(m.content, ctx);
    if (m.role === "system") return systemMessages(m.content, ctx);
    ctx.drop(`role:${m.role}`);
    return [];
  });
}
