// The matrix as bun tests: every story of stories.ts, against one mode (matrix.ts), each with
// the checks every story shares. passthrough.test.ts and translated.test.ts each run one mode.
// Skips when Claude Code is not installed; `make test-claude-code` installs each version it
// tests and makes that a failure instead.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tempDir } from "../e2e/helpers.ts";
import { CLAUDE_BIN, claudeCodeInstalled, claudeCodeVersion, REQUIRED, sessionIdOf } from "./helpers.ts";
import { BACKEND_KEY, CLIENT_KEY, type Mode, type Outcome, play, type Rig, startRig } from "./matrix.ts";
import { STORIES, type Story } from "./stories.ts";

/** What every story must show: each model turn crossed sluice and got there in its own format. */
export function checkEveryTurn(mode: Mode, o: Outcome): void {
  // Every call crossed sluice (a routed count_tokens never reaches the backend at all).
  expect(o.logged.length).toBeGreaterThan(0);
  for (const r of o.requests) {
    if (mode === "translated") {
      // Nothing reached the mock's Anthropic side: every turn was translated.
      expect(`${r.method} ${r.path}`).toBe("POST /v1/chat/completions");
      expect(r.headers.authorization).toBe(`Bearer ${BACKEND_KEY}`);
      expect(JSON.stringify(r.headers)).not.toContain(CLIENT_KEY);
      expect(r.body.model).toBe("mock-gpt");
      expect(r.body.stream).toBe(true);
      expect(r.body.stream_options).toEqual({ include_usage: true });
    } else {
      expect(r.path.startsWith("/v1/messages")).toBe(true);
      expect(r.query).toEqual({ beta: "true" });
      expect(r.headers["x-api-key"]).toBe(CLIENT_KEY);
    }
  }
  for (const line of o.logged) expect(line).toMatchObject({ status: 200, outcome: "ok" });
  const session = sessionIdOf(o.runs[0]!);
  for (const line of o.logged.filter((l) => l.path === "/v1/messages")) expect(line.session).toBe(session);
}

/** A fresh working directory for a story, with what its setup writes. */
export function storyDir(story: Story): { cwd: string; binDir?: string } {
  const cwd = tempDir("claude-cwd");
  return { cwd, ...(story.setup?.(cwd) ?? {}) };
}

export function matrixSuite(mode: Mode, title: string): void {
  const installed = claudeCodeInstalled();
  let rig: Rig;
  beforeAll(async () => {
    if (!installed) return;
    rig = await startRig(mode);
    console.log(`Claude Code ${claudeCodeVersion()}: ${title}, sluice ${rig.sluice.url}`);
  });
  afterAll(async () => {
    await rig?.stop();
  });
  describe.skipIf(!installed && !REQUIRED)(title, () => {
    test("Claude Code is installed (make test-claude-code installs it)", () => {
      if (!installed) throw new Error(`${CLAUDE_BIN} is missing: run scripts/install-claude-code.sh`);
    });
    for (const story of STORIES) {
      test(story.name, async () => {
        const dir = storyDir(story);
        const o = await play(rig, story.name.replace(/\W+/g, "-"), story.runs(dir.cwd), dir);
        checkEveryTurn(mode, o);
        await story.check(mode, o);
        expect(rig.trap.hits).toEqual([]);
      }, 120_000);
    }
  });
}
