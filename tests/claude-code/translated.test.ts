// The Claude Code matrix against a translated backend: every model Claude Code asks for is routed
// to the mock as an OpenAI-format backend, so each turn is Anthropic Messages -> Chat Completions
// and back. Skips when Claude Code is not installed; `make test-claude-code` installs it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CLAUDE_BIN, claudeCodeInstalled, claudeCodeVersion, REQUIRED } from "./helpers.ts";
import { play, type Rig, startRig } from "./matrix.ts";
import { checkEveryTurn, STORIES, storyDir } from "./stories.ts";

const installed = claudeCodeInstalled();
let rig: Rig;

beforeAll(async () => {
  if (!installed) return;
  rig = await startRig("translated");
  console.log(
    `Claude Code ${claudeCodeVersion()} through sluice ${rig.sluice.url} to an OpenAI-format backend (the mock)`,
  );
});
afterAll(async () => {
  await rig?.stop();
});

describe.skipIf(!installed && !REQUIRED)("Claude Code through sluice to an OpenAI-format backend", () => {
  test("Claude Code is installed (make test-claude-code installs it)", () => {
    if (!installed) throw new Error(`${CLAUDE_BIN} is missing: run scripts/install-claude-code.sh`);
  });
  for (const story of STORIES) {
    test(story.name, async () => {
      const dir = storyDir(story);
      const o = await play(rig, story.name.replace(/\W+/g, "-"), story.runs(dir.cwd), dir);
      checkEveryTurn("translated", o);
      await story.check("translated", o);
      expect(rig.trap.hits).toEqual([]);
    }, 120_000);
  }
});
