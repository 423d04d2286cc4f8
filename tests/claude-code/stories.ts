// The Claude Code conformance matrix: what a user does with Claude Code, each story checked the
// same way against passthrough (Anthropic) and a translated OpenAI-format backend (matrix.ts).
// The mock is scripted through the prompt (`call <Tool> with {json}`, `think aloud`, a summary
// for /compact), so every story is deterministic whatever Claude Code's own prompts say.
import { expect } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { blocksOf, commandDir, isJson, type Json, resultOf, textDeltas } from "./helpers.ts";
import {
  attachmentsIn,
  lastUserText,
  type Mode,
  messagesOf,
  type Outcome,
  type StoryRun,
  toolResultsIn,
  turnsOf,
} from "./matrix.ts";
import { PDF_BYTES, PNG_BYTES } from "./media.ts";

export const CANARY = "sluice-claude-code-canary: the mock command ran";

export interface Story {
  name: string;
  /** Files and commands the story needs, in a fresh working directory. */
  setup?(cwd: string): { binDir?: string };
  runs(cwd: string): StoryRun[];
  check(mode: Mode, o: Outcome): void | Promise<void>;
}

const bash = (cmd = "mock") => `call Bash with ${JSON.stringify({ command: cmd })}`;
const read = (path: string) => `call Read with ${JSON.stringify({ file_path: path })}`;
const mockCommand = () => ({ binDir: commandDir("mock", CANARY) });

const success = (o: Outcome, i = o.runs.length - 1) => {
  const result = resultOf(o.runs[i]!);
  expect(result).toMatchObject({ subtype: "success", is_error: false });
  return String(result?.result);
};

export const STORIES: Story[] = [
  {
    name: "streamed text",
    runs: () => [{ prompt: "Say hello through sluice" }],
    check(mode, o) {
      const answer = success(o);
      expect(answer).toStartWith("Mock reply to:");
      const deltas = textDeltas(o.runs[0]!);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join("")).toBe(answer);
      const turn = turnsOf(mode, o).at(-1);
      expect(lastUserText(turn)).toContain("Say hello through sluice");
      if (mode === "passthrough") {
        // Claude Code's own headers and body fields reach Anthropic untouched.
        expect(turn?.headers).toMatchObject({ "anthropic-version": "2023-06-01", "x-app": "cli" });
        expect(turn?.headers["anthropic-beta"]).toContain("claude-code-20250219");
        expect(turn?.headers["user-agent"]).toStartWith("claude-cli/");
        expect(turn?.body).toMatchObject({ stream: true, thinking: { type: "adaptive" } });
        expect(turn?.body).toHaveProperty("context_management");
        expect(turn?.body).toHaveProperty("output_config.effort");
        expect(messagesOf(turn).map((m) => m.role)).toContain("system");
      }
    },
  },
  {
    name: "a tool round trip",
    setup: mockCommand,
    runs: () => [{ prompt: `Please ${bash()}`, args: ["--allowedTools", "Bash(mock)"] }],
    check(mode, o) {
      const use = blocksOf(o.runs[0]!, "assistant").find((b) => b.type === "tool_use");
      expect(use).toMatchObject({ name: "Bash", input: { command: "mock" } });
      const result = blocksOf(o.runs[0]!, "user").find((b) => b.type === "tool_result");
      expect(result).toMatchObject({ tool_use_id: use?.id, is_error: false });
      const back = toolResultsIn(mode, turnsOf(mode, o).at(-1));
      expect(back).toHaveLength(1);
      expect(back[0]).toMatchObject({ id: String(use?.id) });
      expect(back[0]?.text).toContain(CANARY);
      expect(success(o)).toBe(`Mock reply to tool result: "${CANARY}"`);
    },
  },
  {
    name: "parallel tool calls",
    setup(cwd) {
      writeFileSync(join(cwd, "notes.txt"), "parallel notes\n");
      return mockCommand();
    },
    runs: (cwd) => [
      {
        prompt: `Do both: ${bash()} and ${read(join(cwd, "notes.txt"))}`,
        args: ["--allowedTools", "Bash(mock)", "Read"],
      },
    ],
    check(mode, o) {
      const assistant = o.runs[0]!.events.filter((e) => e.type === "assistant");
      const uses = blocksOf(o.runs[0]!, "assistant").filter((b) => b.type === "tool_use");
      expect(uses.map((u) => u.name)).toEqual(["Bash", "Read"]);
      // Both calls came in one assistant turn (Claude Code records each block as it completes).
      const ids = new Set(assistant.map((e) => (e.message as Json).id));
      expect(ids.size).toBeLessThanOrEqual(2);
      const back = toolResultsIn(mode, turnsOf(mode, o).at(-1));
      expect(back.map((r) => r.id).sort()).toEqual(uses.map((u) => String(u.id)).sort());
      expect(back.map((r) => r.text).join("\n")).toContain(CANARY);
      expect(back.map((r) => r.text).join("\n")).toContain("parallel notes");
    },
  },
  {
    name: "thinking with tools",
    setup: mockCommand,
    runs: () => [{ prompt: `think aloud, then ${bash()}`, args: ["--allowedTools", "Bash(mock)"] }],
    check(mode, o) {
      const thinking = blocksOf(o.runs[0]!, "assistant").find((b) => b.type === "thinking");
      expect(thinking).toBeDefined();
      const next = turnsOf(mode, o).at(-1);
      if (mode === "passthrough") {
        // The signature Anthropic signed comes back byte for byte with the tool result.
        expect(String(thinking?.signature)).toStartWith(btoa("mock-signature:").slice(0, 16));
        const replayed = messagesOf(next)
          .filter((m) => m.role === "assistant")
          .flatMap((m) => (Array.isArray(m.content) ? m.content.filter(isJson) : []))
          .find((b) => b.type === "thinking");
        expect(replayed?.signature).toBe(thinking?.signature);
      } else {
        // The backend's reasoning reached Claude Code as a thinking block, streamed.
        const deltas = o.runs[0]!.events.filter(
          (e) => e.type === "stream_event" && ((e.event as Json)?.delta as Json)?.type === "thinking_delta",
        );
        expect(deltas.length).toBeGreaterThan(0);
        expect(String(thinking?.thinking)).toStartWith("Mock thinking about:");
        expect(toolResultsIn(mode, next)[0]?.text).toContain(CANARY);
        for (const line of o.logged) expect(String(line.dropped ?? "")).not.toContain("thinking");
      }
      expect(success(o)).toBe(`Mock reply to tool result: "${CANARY}"`);
    },
  },
  {
    name: "an image read by the Read tool",
    setup(cwd) {
      writeFileSync(join(cwd, "pixel.png"), PNG_BYTES);
      return {};
    },
    runs: (cwd) => [{ prompt: `Look: ${read(join(cwd, "pixel.png"))}`, args: ["--allowedTools", "Read"] }],
    check(mode, o) {
      // The file's own bytes reach the model: in a tool_result, or in the user message after it.
      expect(attachmentsIn(mode, turnsOf(mode, o).at(-1), "image")).toEqual([PNG_BYTES.toString("base64")]);
      success(o);
    },
  },
  {
    name: "a PDF read by the Read tool",
    setup(cwd) {
      writeFileSync(join(cwd, "spec.pdf"), PDF_BYTES);
      return {};
    },
    runs: (cwd) => [
      { prompt: `Read this: ${read(join(cwd, "spec.pdf"))}`, args: ["--allowedTools", "Read"] },
    ],
    check(mode, o) {
      const sent = attachmentsIn(mode, turnsOf(mode, o).at(-1), "pdf");
      expect(sent).toEqual([PDF_BYTES.toString("base64")]);
      // OpenAI takes PDFs as file parts: nothing about the document was dropped.
      for (const line of o.logged) expect(String(line.dropped ?? "")).not.toContain("document");
      success(o);
    },
  },
  {
    name: "a subagent (Agent tool)",
    runs: () => [
      {
        prompt: `Delegate: call Agent with ${JSON.stringify({
          description: "count files",
          prompt: "Count the files here and report",
          subagent_type: "general-purpose",
          run_in_background: false,
        })}`,
        args: ["--allowedTools", "Agent"],
      },
    ],
    check(mode, o) {
      const turns = turnsOf(mode, o);
      const sub = turns.find((t) => lastUserText(t).includes("Count the files here and report"));
      expect(sub).toBeDefined();
      const use = blocksOf(o.runs[0]!, "assistant").find((b) => b.type === "tool_use");
      expect(use).toMatchObject({ name: "Agent" });
      const back = toolResultsIn(mode, turns.at(-1)).find((r) => r.id === String(use?.id));
      expect(back?.text).toContain("Mock reply to");
      expect(success(o)).toStartWith("Mock reply to tool result:");
    },
  },
  {
    name: "/compact on a long conversation",
    runs: () => [
      { prompt: `Remember the word banana. ${"Some context to make this conversation long. ".repeat(120)}` },
      { prompt: "/compact", continues: true },
      { prompt: "What was the word?", continues: true },
    ],
    check(mode, o) {
      const compacting = turnsOf(mode, o).find((t) => lastUserText(t).includes("<summary>"));
      expect(compacting).toBeDefined();
      expect(o.runs[1]!.events.some((e) => e.type === "system" && e.subtype === "compact_boundary")).toBe(
        true,
      );
      expect(resultOf(o.runs[1]!)).toMatchObject({ subtype: "success", is_error: false });
      // The conversation goes on from the summary, not from the old turns.
      const after = turnsOf(mode, o).at(-1);
      expect(JSON.stringify(after?.body.messages)).toContain("Mock summary:");
      expect(JSON.stringify(after?.body.messages)).not.toContain("make this conversation long. Some context");
      expect(success(o)).toStartWith("Mock reply to:");
    },
  },
  {
    name: "count_tokens (/context)",
    runs: () => [{ prompt: "/context" }],
    check(mode, o) {
      const counts = o.logged.filter((l) => l.path === "/v1/messages/count_tokens");
      expect(counts.length).toBeGreaterThan(0);
      const reached = o.requests.filter((r) => r.path === "/v1/messages/count_tokens");
      // Translated: sluice counts with its tokenizer and never asks the backend.
      expect(reached.length).toBe(mode === "passthrough" ? counts.length : 0);
      const table = success(o);
      const tools = /\| System tools \| ([\d.]+)(k?) \|/.exec(table);
      expect(tools).not.toBeNull();
      expect(Number(tools?.[1])).toBeGreaterThan(0);
    },
  },
  {
    name: "1-hour cache TTL",
    runs: () => [
      {
        prompt: "Cache this for an hour",
        // Passthrough: the mock reports the writes it is told to make (and knows their TTL).
        extra: { CLAUDE_CODE_PROMPT_CACHE_TTL: "1h", ANTHROPIC_CUSTOM_HEADERS: "x-mock-cache: write" },
      },
    ],
    check(mode, o) {
      const turn = turnsOf(mode, o).at(-1);
      const line = o.logged.find((l) => l.path === "/v1/messages");
      if (mode === "passthrough") {
        expect(turn?.headers["anthropic-beta"]).toContain("extended-cache-ttl-2025-04-11");
        expect(JSON.stringify(turn?.body)).toContain('"ttl":"1h"');
        // sluice's cost is the invoice's: the same dollars Claude Code works out itself, at the
        // 1-hour write rate.
        const result = resultOf(o.runs[0]!) as Json;
        const usage = result.usage as Json;
        expect((usage.cache_creation as Json).ephemeral_1h_input_tokens).toBeGreaterThan(0);
        expect(line?.cost_usd).toBeCloseTo(Number(result.total_cost_usd), 6);
      } else {
        // A Chat backend has no cache marks: they are dropped, and said to be.
        expect(JSON.stringify(turn?.body)).not.toContain("cache_control");
        expect(String(line?.dropped)).toContain("cache_control");
      }
      success(o);
    },
  },
];
