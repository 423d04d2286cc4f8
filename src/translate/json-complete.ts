// Reading JSON text that may be cut short or slightly wrong (a tool call's arguments as a backend
// streams them): a resumable scanner that accepts text while it is still the start of some JSON
// value and says what would close it. Promises: pure, linear time over all text pushed; with
// `lenient`, a trailing comma before `}` or `]` and a raw control character inside a string are
// accepted and reported, so they can be dropped or escaped.

type Frame = { kind: "{" | "["; expect: "key" | "colon" | "value" | "next"; afterComma: boolean };
interface Str {
  key: boolean;
  escape: boolean;
  hex: number;
}

const LITERALS = ["true", "false", "null"];
const NUMBER_CHARS = "0123456789+-.eE";
const WHITESPACE = " \n\r\t";

export interface JsonPrefixOptions {
  /** Accept `,}` and `,]`, reporting the comma's position in `trailingCommas`. */
  lenient?: boolean;
}

export class JsonPrefix {
  /** False once the text stopped being the start of a JSON value; later pushes are ignored. */
  ok = true;
  /** Characters accepted, from the start of all text pushed. */
  accepted = 0;
  /** Positions of commas that turned out to be trailing (lenient only). */
  readonly trailingCommas: number[] = [];
  /** Positions of raw control characters inside strings, to be escaped (lenient only). */
  readonly rawControls: number[] = [];
  /** Position of the last comma while the character after it is still unknown (lenient only). */
  pendingComma: number | undefined;
  /** Position of the `}` or `]` that closed the root value, once it has. */
  rootClosedAt: number | undefined;
  private stack: Frame[] = [];
  private rootClosedFull = false;
  private root: "{" | "[" | undefined;
  private rootDone = false;
  private str: Str | undefined;
  private num = "";
  private literal = "";
  private pos = 0;
  /** The frames as they were just before the pending comma (see `suffixBefore`). */
  private beforeComma: Frame[] | undefined;

  constructor(private readonly opts: JsonPrefixOptions = {}) {}

  /** The kind of the outermost value, once it has started. */
  get rootKind(): "{" | "[" | "scalar" | undefined {
    if (this.root !== undefined) return this.root;
    return this.rootDone || this.str !== undefined || this.num !== "" || this.literal !== ""
      ? "scalar"
      : undefined;
  }

  get complete(): boolean {
    return this.ok && this.rootDone && this.str === undefined && this.num === "" && this.literal === "";
  }

  push(text: string): boolean {
    for (let i = 0; i < text.length && this.ok; i++) {
      if (this.step(text[i] as string)) {
        this.pos++;
        this.accepted = this.pos;
      } else this.ok = false;
    }
    return this.ok;
  }

  /** What to append so the accepted text parses ("" when it already does); undefined if nothing started. */
  suffix(): string | undefined {
    return this.close(this.stack, this.str, this.num, this.literal, 0);
  }

  /** The same, for the accepted text without its pending comma (cut right after a comma). */
  suffixBeforeComma(): string {
    return this.close(this.beforeComma ?? this.stack, undefined, "", "", 0) ?? "";
  }

  /**
   * Closes everything but the root object, as if the accepted text ended before a pending comma
   * (the comma is then never sent): the text that leaves the root object open for one more member.
   */
  suffixInsideRoot(): string {
    const frames = this.pendingComma !== undefined && this.beforeComma ? this.beforeComma : this.stack;
    const pending = this.pendingComma !== undefined;
    return (
      this.close(
        frames,
        pending ? undefined : this.str,
        pending ? "" : this.num,
        pending ? "" : this.literal,
        1,
      ) ?? ""
    );
  }

  /** True when the root object holds (or has begun) a member, so another needs a comma first. */
  get rootHasMembers(): boolean {
    if (this.rootClosedAt !== undefined) return this.rootClosedFull;
    const root = this.stack[0];
    if (root === undefined) return false;
    return !(this.stack.length === 1 && root.expect === "key" && !root.afterComma && this.str === undefined);
  }

  private expectingValue(): boolean {
    return this.stack.length === 0 ? !this.rootDone : this.stack[this.stack.length - 1]?.expect === "value";
  }

  private valueDone(): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) this.rootDone = true;
    else top.expect = "next";
  }

  /** Takes one character; false when no JSON value can start with the text so far. */
  private step(c: string): boolean {
    if (this.str !== undefined) return this.inString(c);
    if (this.num !== "") {
      if (NUMBER_CHARS.includes(c)) {
        this.num += c;
        return true;
      }
      this.num = "";
      this.valueDone();
    }
    if (this.literal !== "") {
      const word = LITERALS.find((w) => w.startsWith(this.literal + c));
      if (word === undefined) return false;
      this.literal += c;
      if (this.literal === word) {
        this.literal = "";
        this.valueDone();
      }
      return true;
    }
    if (WHITESPACE.includes(c)) return true;
    const wasPending = this.pendingComma;
    this.pendingComma = undefined;
    if (this.significant(c, wasPending)) return true;
    // The text stops here: a comma before it still has not been sent.
    this.pendingComma = wasPending;
    return false;
  }

  private significant(c: string, wasPending: number | undefined): boolean {
    const top = this.stack[this.stack.length - 1];
    if (c === "{" || c === "[") {
      if (!this.expectingValue()) return false;
      // The container is the parent's value; closing it later finishes that slot.
      if (top !== undefined) top.expect = "next";
      else this.root = c;
      this.stack.push({ kind: c, expect: c === "{" ? "key" : "value", afterComma: false });
      return true;
    }
    if (c === "}" || c === "]") {
      const open = c === "}" ? "{" : "[";
      const slot = c === "}" ? "key" : "value";
      const empty = top?.expect === slot && !top.afterComma;
      const trailing = this.opts.lenient === true && top?.expect === slot && top.afterComma;
      if (top?.kind !== open || !(top.expect === "next" || empty || trailing)) return false;
      if (trailing && wasPending !== undefined) this.trailingCommas.push(wasPending);
      this.stack.pop();
      this.valueDone();
      if (this.stack.length === 0) {
        this.rootClosedAt = this.pos;
        this.rootClosedFull = !empty;
      }
      return true;
    }
    if (c === ",") {
      if (top?.expect !== "next") return false;
      if (this.opts.lenient === true) {
        this.beforeComma = this.stack.map((f) => ({ ...f }));
        this.pendingComma = this.pos;
      }
      top.expect = top.kind === "{" ? "key" : "value";
      top.afterComma = true;
      return true;
    }
    if (c === ":") {
      if (top?.expect !== "colon") return false;
      top.expect = "value";
      return true;
    }
    if (c === '"') {
      if (top?.expect === "key") this.str = { key: true, escape: false, hex: 0 };
      else if (this.expectingValue()) this.str = { key: false, escape: false, hex: 0 };
      else return false;
      return true;
    }
    if (this.expectingValue() && (c === "-" || (c >= "0" && c <= "9"))) {
      this.num = c;
      return true;
    }
    if (this.expectingValue() && LITERALS.some((w) => w.startsWith(c))) {
      this.literal = c;
      return true;
    }
    return false;
  }

  private inString(c: string): boolean {
    const str = this.str as Str;
    if (str.hex > 0) {
      if (!/[0-9a-fA-F]/.test(c)) return false;
      str.hex--;
    } else if (str.escape) {
      if (c === "u") str.hex = 4;
      else if (!'"\\/bfnrt'.includes(c)) return false;
      str.escape = false;
    } else if (c === "\\") str.escape = true;
    else if (c === '"') {
      const top = this.stack[this.stack.length - 1];
      if (str.key && top !== undefined) top.expect = "colon";
      else this.valueDone();
      this.str = undefined;
    } else if (c.charCodeAt(0) < 0x20) {
      // Models write raw newlines and tabs inside strings; JSON wants them escaped.
      if (this.opts.lenient !== true) return false;
      this.rawControls.push(this.pos);
    }
    return true;
  }

  /** The text that closes an open string, number or literal and every frame above `keep`. */
  private close(frames: Frame[], str: Str | undefined, num: string, literal: string, keep: number) {
    if (frames.length === 0 && !this.rootDone && str === undefined && num === "" && literal === "")
      return undefined;
    const stack = frames.map((f) => ({ ...f }));
    const done = () => {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.expect = "next";
    };
    let suffix = "";
    if (str !== undefined) {
      suffix += `${"0".repeat(str.hex)}${str.escape ? "\\" : ""}"`;
      const top = stack[stack.length - 1];
      if (str.key && top !== undefined) top.expect = "colon";
      else done();
    } else if (num !== "") {
      if ("+-.eE".includes(num[num.length - 1] as string)) suffix += "0";
      done();
    } else if (literal !== "") {
      suffix += (LITERALS.find((w) => w.startsWith(literal)) as string).slice(literal.length);
      done();
    }
    for (let i = stack.length - 1; i >= 0; i--) {
      const frame = stack[i] as Frame;
      if (frame.expect === "colon") suffix += ":null";
      else if (frame.expect === "value" && (frame.kind === "{" || frame.afterComma)) suffix += "null";
      else if (frame.expect === "key" && frame.afterComma) suffix += '"":null';
      if (i < keep) break;
      suffix += frame.kind === "{" ? "}" : "]";
    }
    return suffix;
  }
}

/** The text to append so that `prefix + suffix` parses; "" when it already does (or is blank). */
export function completeJson(prefix: string): string | undefined {
  const scan = new JsonPrefix();
  if (!scan.push(prefix)) return undefined;
  return scan.suffix() ?? "";
}
