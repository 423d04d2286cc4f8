// Completing JSON text that was cut short (a tool call's arguments when the backend hit its
// token limit): returns the suffix that closes open strings, values and containers.
// Promises: pure, linear time; `undefined` when the text is not a prefix of some JSON value.

/** True when the text is exactly one JSON object. */
export function isObjectJson(text: string): boolean {
  // Cheap test first: streaming asks this on every switch between interleaved tool calls.
  if (!text.trimEnd().endsWith("}")) return false;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** What to append to make `text` one JSON object: "{}" when blank, "" when it already is one. */
export function objectSuffix(text: string): string | undefined {
  if (text.trim() === "") return "{}";
  if (isObjectJson(text)) return "";
  const suffix = completeJson(text);
  return suffix !== undefined && isObjectJson(text + suffix) ? suffix : undefined;
}

type Frame = { kind: "{" | "["; expect: "key" | "colon" | "value" | "next"; afterComma: boolean };

const LITERALS = ["true", "false", "null"];
const NUMBER_CHARS = "0123456789+-.eE";

/** The text to append so that `prefix + suffix` parses; "" when it already does (or is blank). */
export function completeJson(prefix: string): string | undefined {
  const stack: Frame[] = [];
  let rootDone = false;
  let str: { key: boolean; escape: boolean; hex: number } | undefined;
  let num = "";
  let literal = "";

  const expectingValue = () => (stack.length === 0 ? !rootDone : stack[stack.length - 1]?.expect === "value");
  const valueDone = () => {
    const top = stack[stack.length - 1];
    if (top === undefined) rootDone = true;
    else top.expect = "next";
  };

  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i] as string;
    if (str !== undefined) {
      if (str.hex > 0) {
        if (!/[0-9a-fA-F]/.test(c)) return undefined;
        str.hex--;
      } else if (str.escape) {
        if (c === "u") str.hex = 4;
        else if (!'"\\/bfnrt'.includes(c)) return undefined;
        str.escape = false;
      } else if (c === "\\") str.escape = true;
      else if (c === '"') {
        const top = stack[stack.length - 1];
        if (str.key && top !== undefined) top.expect = "colon";
        else valueDone();
        str = undefined;
      }
      continue;
    }
    if (num !== "") {
      if (NUMBER_CHARS.includes(c)) {
        num += c;
        continue;
      }
      num = "";
      valueDone();
    }
    if (literal !== "") {
      const word = LITERALS.find((w) => w.startsWith(literal + c));
      if (word === undefined) return undefined;
      literal += c;
      if (literal === word) {
        literal = "";
        valueDone();
      }
      continue;
    }
    if (c === " " || c === "\n" || c === "\r" || c === "\t") continue;
    const top = stack[stack.length - 1];
    if (c === "{" || c === "[") {
      if (!expectingValue()) return undefined;
      // The container is the parent's value; closing it later finishes that slot.
      if (top !== undefined) top.expect = "next";
      stack.push({ kind: c, expect: c === "{" ? "key" : "value", afterComma: false });
    } else if (c === "}" || c === "]") {
      const open = c === "}" ? "{" : "[";
      const empty = top?.expect === (c === "}" ? "key" : "value") && !top.afterComma;
      if (top?.kind !== open || !(top.expect === "next" || empty)) return undefined;
      stack.pop();
      valueDone();
    } else if (c === ",") {
      if (top?.expect !== "next") return undefined;
      top.expect = top.kind === "{" ? "key" : "value";
      top.afterComma = true;
    } else if (c === ":") {
      if (top?.expect !== "colon") return undefined;
      top.expect = "value";
    } else if (c === '"') {
      if (top?.expect === "key") str = { key: true, escape: false, hex: 0 };
      else if (expectingValue()) str = { key: false, escape: false, hex: 0 };
      else return undefined;
    } else if (expectingValue() && (c === "-" || (c >= "0" && c <= "9"))) num = c;
    else if (expectingValue() && LITERALS.some((w) => w.startsWith(c))) literal = c;
    else return undefined;
  }

  let suffix = "";
  if (str !== undefined) {
    suffix += `${"0".repeat(str.hex)}${str.escape ? "\\" : ""}"`;
    const top = stack[stack.length - 1];
    if (str.key && top !== undefined) top.expect = "colon";
    else valueDone();
  } else if (num !== "") {
    if ("+-.eE".includes(num[num.length - 1] as string)) suffix += "0";
    valueDone();
  } else if (literal !== "") {
    const word = LITERALS.find((w) => w.startsWith(literal)) as string;
    suffix += word.slice(literal.length);
    valueDone();
  }
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i] as Frame;
    if (frame.expect === "colon") suffix += ":null";
    else if (frame.expect === "value" && (frame.kind === "{" || frame.afterComma)) suffix += "null";
    else if (frame.expect === "key" && frame.afterComma) suffix += '"":null';
    suffix += frame.kind === "{" ? "}" : "]";
  }
  return suffix;
}
