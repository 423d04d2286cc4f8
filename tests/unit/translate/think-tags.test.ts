import { describe, expect, test } from "bun:test";
import {
  MAX_LEAD,
  type Segment,
  splitThinkTags,
  type ThinkTagMode,
  ThinkTagSplitter,
} from "../../../src/translate/think-tags.ts";

/** Joined thinking and text of a segment list. */
function joined(segments: Segment[]): { thinking: string; text: string } {
  const parts = { thinking: "", text: "" };
  for (const s of segments) parts[s.kind] += s.text;
  return parts;
}

/** Pushes the chunks in order, then ends; returns every segment. */
function run(chunks: string[], mode: ThinkTagMode = "auto"): Segment[] {
  const splitter = new ThinkTagSplitter(mode);
  return [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];
}

const AUTO_SAMPLES: Record<string, { thinking: string; text: string }> = {
  "<think>plan</think>\n\nAnswer": { thinking: "plan", text: "Answer" },
  "<think>\nLet me see: 2<3, and </thin is no tag.\n</think>\n\nThe answer is <think>42</think>.": {
    thinking: "Let me see: 2<3, and </thin is no tag.\n",
    text: "The answer is <think>42</think>.",
  },
  "\n \n<think>a</think>b": { thinking: "a", text: "b" },
  "<think>\n\n</think>\n\nHi": { thinking: "", text: "Hi" },
  "<think>unterminated reasoning </thi": { thinking: "unterminated reasoning </thi", text: "" },
  "<think>🤔 思考</think>答え</think>": { thinking: "🤔 思考", text: "答え</think>" },
  "Answer with <think> later</think> in it": {
    thinking: "",
    text: "Answer with <think> later</think> in it",
  },
  "<thinking>not our tag</thinking>": { thinking: "", text: "<thinking>not our tag</thinking>" },
  "<<think>x</think>y": { thinking: "", text: "<<think>x</think>y" },
  "  plain, indented": { thinking: "", text: "  plain, indented" },
  "<thi": { thinking: "", text: "<thi" },
  "": { thinking: "", text: "" },
};

const OPEN_SAMPLES: Record<string, { thinking: string; text: string }> = {
  "Reasoning first.\n</think>\n\nAnswer": { thinking: "Reasoning first.\n", text: "Answer" },
  "\n<think>\nR</think>A": { thinking: "R", text: "A" },
  "never closed": { thinking: "never closed", text: "" },
  "<thi": { thinking: "<thi", text: "" },
  "  ": { thinking: "", text: "" },
};

/**
 * Checks one sample under every two-chunk split and one character at a time: the joined result
 * never depends on the chunking, thinking always comes before text, and after each push
 * at most `slack` characters are held back compared with ending the content right there.
 */
function checkEveryBoundary(input: string, mode: ThinkTagMode, expected: { thinking: string; text: string }) {
  for (let i = 0; i <= input.length; i++) {
    const segments = run([input.slice(0, i), input.slice(i)], mode);
    expect(joined(segments)).toEqual(expected);
    const kinds = segments.map((s) => s.kind).join(",");
    expect(kinds).not.toMatch(/text.*thinking/);
  }
  const lead = input.length - input.trimStart().length;
  const slack = "</think>".length - 1 + lead;
  const splitter = new ThinkTagSplitter(mode);
  const sent: Segment[] = [];
  for (let i = 1; i <= input.length; i++) {
    sent.push(...splitter.push(input[i - 1] as string));
    const now = joined(sent);
    const ideal = splitThinkTags(input.slice(0, i), mode);
    expect(ideal.thinking.startsWith(now.thinking)).toBe(true);
    expect(ideal.text.startsWith(now.text)).toBe(true);
    const held = ideal.thinking.length + ideal.text.length - now.thinking.length - now.text.length;
    expect(held).toBeLessThanOrEqual(slack);
  }
  sent.push(...splitter.end());
  expect(joined(sent)).toEqual(expected);
}

describe("a leading <think> section is split from the answer", () => {
  test("<think>plan</think>, blank lines and the answer become thinking then text", () => {
    expect(run(["<think>plan</think>\n\nAnswer"])).toEqual([
      { kind: "thinking", text: "plan" },
      { kind: "text", text: "Answer" },
    ]);
  });

  for (const [input, expected] of Object.entries(AUTO_SAMPLES)) {
    test(`auto, split at every boundary: ${JSON.stringify(input)}`, () => {
      checkEveryBoundary(input, "auto", expected);
    });
  }

  for (const [input, expected] of Object.entries(OPEN_SAMPLES)) {
    test(`open, split at every boundary: ${JSON.stringify(input)}`, () => {
      checkEveryBoundary(input, "open", expected);
    });
  }

  test("thinking is released as it arrives, holding back only a possible </think>", () => {
    const splitter = new ThinkTagSplitter();
    expect(splitter.push("<th")).toEqual([]);
    expect(splitter.push("ink>\nStep one")).toEqual([{ kind: "thinking", text: "Step one" }]);
    expect(splitter.push(", step two</th")).toEqual([{ kind: "thinking", text: ", step two" }]);
    expect(splitter.push("ink>\n\nDone.")).toEqual([{ kind: "text", text: "Done." }]);
    expect(splitter.end()).toEqual([]);
  });

  test("an unterminated section ends as thinking, including a held partial tag", () => {
    const splitter = new ThinkTagSplitter();
    expect(splitter.push("<think>half a thought</thi")).toEqual([
      { kind: "thinking", text: "half a thought" },
    ]);
    expect(splitter.end()).toEqual([{ kind: "thinking", text: "</thi" }]);
  });
});

describe("content without a leading think section is left alone", () => {
  test("each chunk comes out unchanged from the push that brought it", () => {
    const splitter = new ThinkTagSplitter();
    for (const chunk of ["Hello", ", world", " <think>not at the start</think>", "\n\nbye"]) {
      expect(splitter.push(chunk)).toEqual([{ kind: "text", text: chunk }]);
    }
    expect(splitter.end()).toEqual([]);
  });

  test("a <think> after text stays text", () => {
    const segments = run(["Sure. ", "<think>", "x</think>"]);
    expect(segments.every((s) => s.kind === "text")).toBe(true);
    expect(joined(segments).text).toBe("Sure. <think>x</think>");
  });

  test("leading whitespace waits for the next character, then comes out unchanged", () => {
    const splitter = new ThinkTagSplitter();
    expect(splitter.push("\n\n")).toEqual([]);
    expect(splitter.push("Hi")).toEqual([{ kind: "text", text: "\n\nHi" }]);
  });

  test(`more than ${MAX_LEAD} characters of leading whitespace are released as text`, () => {
    const splitter = new ThinkTagSplitter();
    const blank = " ".repeat(MAX_LEAD + 1);
    expect(splitter.push(blank)).toEqual([{ kind: "text", text: blank }]);
    expect(splitter.push("<think>x</think>")).toEqual([{ kind: "text", text: "<think>x</think>" }]);
  });

  test("mode off passes everything through as text", () => {
    expect(run(["<think>plan</think>\n\nAnswer"], "off")).toEqual([
      { kind: "text", text: "<think>plan</think>\n\nAnswer" },
    ]);
  });

  test("after end() whatever is pushed is text", () => {
    const splitter = new ThinkTagSplitter();
    splitter.end();
    expect(splitter.push("<think>late</think>")).toEqual([{ kind: "text", text: "<think>late</think>" }]);
  });
});
