// Reasoning written inline in the answer (`<think>…</think>` first, then the answer), as
// DeepSeek-R1 distills, QwQ and Qwen3 emit it when the server runs no reasoning parser (Ollama,
// vLLM without --reasoning-parser, LM Studio, some hosted models). Pure and incremental:
// `push(chunk) -> segments`, `end() -> segments`, each segment thinking or text.
// Promises:
// - only a think section at the very start counts (whitespace before `<think>` allowed and
//   dropped); a `<think>` anywhere later is ordinary text;
// - whitespace right after `<think>` and right after `</think>` is dropped, so the text does not
//   open with blank lines and an empty section (`<think>\n\n</think>\n\n`) yields no thinking;
// - tags may be split across chunks at any character: a push holds back only what may still
//   become a tag (at most 7 characters, plus leading whitespace up to MAX_LEAD) and releases
//   the rest at once; how the content is chunked never changes the joined result;
// - content that does not open with a think section comes out unchanged;
// - an unterminated section stays thinking: end() releases what was held as what it was;
// - after end() everything pushed is text.
// Modes (the provider's `think_tags`): "auto" (the above, the default); "open" for chat
// templates that already put `<think>` in the prompt (DeepSeek-R1): the content starts as
// thinking up to `</think>` (a leading `<think>` is still dropped), so an answer without
// `</think>` is all thinking; "off": everything is text.

export type ThinkTagMode = "auto" | "open" | "off";

export interface Segment {
  kind: "thinking" | "text";
  text: string;
}

const OPEN = "<think>";
const CLOSE = "</think>";
/** Most leading whitespace held while waiting for `<think>`; beyond it the content is text. */
export const MAX_LEAD = 1024;

/**
 * lead: only whitespace or part of `<think>` seen so far; skip: dropping whitespace after
 * `<think>`; think: inside the section; after: dropping whitespace after `</think>`; text: the rest.
 */
type State = "lead" | "skip" | "think" | "after" | "text";

export class ThinkTagSplitter {
  private state: State;
  private held = "";

  constructor(private readonly mode: ThinkTagMode = "auto") {
    this.state = mode === "off" ? "text" : "lead";
  }

  push(chunk: string): Segment[] {
    const out: Segment[] = [];
    let rest = chunk;
    while (rest !== "") rest = this.step(rest, out);
    return out;
  }

  /** The content ended: releases what was held back. */
  end(): Segment[] {
    const { held, state } = this;
    this.held = "";
    this.state = "text";
    if (held === "") return [];
    if (state === "think" || (state === "lead" && this.mode === "open"))
      return [{ kind: "thinking", text: held }];
    return [{ kind: "text", text: held }];
  }

  /** Consumes some of `rest` in the current state; returns what is left for the next state. */
  private step(rest: string, out: Segment[]): string {
    switch (this.state) {
      case "text":
        emit(out, "text", rest);
        return "";
      case "skip":
      case "after": {
        const body = rest.trimStart();
        if (body !== "") this.state = this.state === "skip" ? "think" : "text";
        return body;
      }
      case "think": {
        const buf = this.held + rest;
        this.held = "";
        const at = buf.indexOf(CLOSE);
        if (at >= 0) {
          emit(out, "thinking", buf.slice(0, at));
          this.state = "after";
          return buf.slice(at + CLOSE.length);
        }
        const keep = partialTag(buf, CLOSE);
        emit(out, "thinking", buf.slice(0, buf.length - keep));
        this.held = buf.slice(buf.length - keep);
        return "";
      }
      case "lead":
        return this.lead(rest, out);
    }
  }

  private lead(rest: string, out: Segment[]): string {
    const buf = this.held + rest;
    this.held = "";
    const body = buf.trimStart();
    if (body.startsWith(OPEN)) {
      this.state = "skip";
      return body.slice(OPEN.length);
    }
    if (this.mode === "open") {
      // Leading whitespace is dropped here: thinking does not start with it either.
      if (OPEN.startsWith(body)) {
        this.held = body;
        return "";
      }
      this.state = "think";
      return body;
    }
    if ((body === "" || OPEN.startsWith(body)) && buf.length <= MAX_LEAD) {
      this.held = buf;
      return "";
    }
    this.state = "text";
    emit(out, "text", buf);
    return "";
  }
}

/** Splits a whole content string (a non-streamed answer). */
export function splitThinkTags(
  content: string,
  mode: ThinkTagMode = "auto",
): { thinking: string; text: string } {
  const splitter = new ThinkTagSplitter(mode);
  const parts = { thinking: "", text: "" };
  for (const s of [...splitter.push(content), ...splitter.end()]) parts[s.kind] += s.text;
  return parts;
}

/** Length of the longest end of `buf` that is a proper start of `tag`. */
function partialTag(buf: string, tag: string): number {
  for (let k = Math.min(tag.length - 1, buf.length); k > 0; k--) {
    if (buf.endsWith(tag.slice(0, k))) return k;
  }
  return 0;
}

/** Appends to the last segment when it is of the same kind; drops empty text. */
function emit(out: Segment[], kind: Segment["kind"], text: string): void {
  if (text === "") return;
  const last = out.at(-1);
  if (last?.kind === kind) last.text += text;
  else out.push({ kind, text });
}
