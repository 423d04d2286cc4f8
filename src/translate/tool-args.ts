// Tool-call arguments as a backend sends them (in fragments, sometimes not valid JSON) -> the
// JSON object text an Anthropic client gets as tool_use input. Pure. Promises: what is sent is
// always the start of the final object, so it can stream fragment by fragment; repairable text
// is repaired (cut short, a trailing comma, raw newlines in strings, arguments encoded twice as a
// JSON string); what cannot be repaired stays visible as `{"_raw_arguments": "<the text>"}` (after
// whatever valid members came first), never silently `{}`.
import { JsonPrefix } from "./json-complete.ts";

/** The key under which unrepairable arguments are kept, so the model and the user see them. */
export const RAW_ARGUMENTS_KEY = "_raw_arguments";

export type ArgsOutcome = "exact" | "repaired" | "raw";

const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };
const escapeControl = (c: string) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

export class ToolArgs {
  private raw = "";
  private readonly scan = new JsonPrefix({ lenient: true });
  /** How much of `raw` has been looked at for sending. */
  private sentUpTo = 0;
  private sentAny = false;
  private repaired = false;

  /** Every fragment as received. */
  get text(): string {
    return this.raw;
  }

  /** True once the arguments form a whole object (the block may close now). */
  get whole(): boolean {
    return this.scan.complete && this.scan.rootKind === "{";
  }

  /** Takes a fragment; returns the text that may be sent now ("" while held back). */
  push(fragment: string): string {
    if (fragment === "") return "";
    this.raw += fragment;
    if (!this.scan.ok) return "";
    this.scan.push(fragment);
    // Only an object streams; anything else is judged whole at the end.
    if (this.scan.rootKind !== "{") return "";
    let safe = this.scan.accepted;
    // A comma waits for the next character (it may be trailing), the root's `}` for the end
    // (raw text after it would need one more member before it).
    if (this.scan.pendingComma !== undefined) safe = Math.min(safe, this.scan.pendingComma);
    if (this.scan.rootClosedAt !== undefined) safe = Math.min(safe, this.scan.rootClosedAt);
    return this.emit(safe);
  }

  /** Ends the arguments: the text that completes what was sent, and how it went. */
  finish(): { tail: string; outcome: ArgsOutcome } {
    if (this.scan.ok && this.scan.rootKind === "{") {
      const comma = this.scan.pendingComma;
      if (comma !== undefined) {
        // Cut right after a comma: the comma goes, the rest closes.
        const head = this.emit(comma);
        this.sentUpTo = comma + 1;
        return { tail: head + this.scan.suffixBeforeComma(), outcome: "repaired" };
      }
      const tail = this.emit(this.scan.accepted) + (this.scan.suffix() ?? "");
      const cut = !this.scan.complete;
      return { tail, outcome: cut || this.repaired ? "repaired" : "exact" };
    }
    if (!this.sentAny) return whole(this.raw);
    // Valid members went out before the text went wrong: keep them, and the text beside them.
    const member = `${this.scan.rootHasMembers ? "," : ""}${JSON.stringify(RAW_ARGUMENTS_KEY)}:${JSON.stringify(this.raw)}}`;
    return { tail: this.scan.suffixInsideRoot() + member, outcome: "raw" };
  }

  private emit(upTo: number): string {
    if (upTo <= this.sentUpTo) return "";
    const drop = new Set(this.scan.trailingCommas.filter((p) => p >= this.sentUpTo && p < upTo));
    const escaped = new Set(this.scan.rawControls.filter((p) => p >= this.sentUpTo && p < upTo));
    let out = "";
    if (drop.size === 0 && escaped.size === 0) out = this.raw.slice(this.sentUpTo, upTo);
    else {
      this.repaired = true;
      for (let i = this.sentUpTo; i < upTo; i++) {
        const c = this.raw[i] as string;
        if (drop.has(i)) continue;
        out += escaped.has(i) ? escapeControl(c) : c;
      }
    }
    this.sentUpTo = upTo;
    if (out !== "") this.sentAny = true;
    return out;
  }
}

/** Arguments judged whole: blank, an object, an object encoded as a JSON string, or raw text. */
function whole(raw: string): { tail: string; outcome: ArgsOutcome } {
  if (raw.trim() === "") return { tail: "{}", outcome: "exact" };
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v === "string") {
      const inner = repairArguments(v);
      if (inner.outcome !== "raw") return { tail: inner.json, outcome: "repaired" };
    }
  } catch {
    // Not JSON at all: kept as it is below.
  }
  return { tail: JSON.stringify({ [RAW_ARGUMENTS_KEY]: raw }), outcome: "raw" };
}

/** Whole arguments (a non-streamed answer) as object text, the same as streaming them would give. */
export function repairArguments(args: unknown): { json: string; outcome: ArgsOutcome } {
  if (typeof args === "object" && args !== null && !Array.isArray(args))
    return { json: JSON.stringify(args), outcome: "exact" };
  const t = new ToolArgs();
  const head = t.push(typeof args === "string" ? args : "");
  const { tail, outcome } = t.finish();
  return { json: head + tail, outcome };
}
