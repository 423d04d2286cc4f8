// The Claude Code matrix against passthrough: no routes, the mock answers as Anthropic through
// sluice. Skips when Claude Code is not installed; `make test-claude-code` installs it (each
// version it tests) and makes that a failure instead.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CLAUDE_BIN, claudeCodeInstalled, claudeCodeVersion, REQUIRED } from "./helpers.ts";
import { play, type Rig, startRig } from "./matrix.ts";
import { checkEveryTurn, STORIES, storyDir } from "./stories.ts";

const installed = claudeCodeInstalled();
let rig: Rig;

beforeAll(async () => {
  if (!installed) return;
  rig = await startRig("passthrough");
  console.log(`Claude Code ${claudeCodeVersion()} through sluice ${rig.sluice.url} to Anthropic (the mock)`);
});
afterAll(async () => {
  await rig?.stop();
});

describe.skipIf(!installed && !REQUIRED)("Claude Code through sluice to Anthropic", () => {
  test("Claude Code is installed (make test-claude-code installs it)", () => {
    if (!installed) throw new Error(`${CLAUDE_BIN} is missing: run scripts/install-claude-code.sh`);
  });
  for (const story of STORIES) {
    test(story.name, async () => {
      const dir = storyDir(story);
      const o = await play(rig, story.name.replace(/\W+/g, "-"), story.runs(dir.cwd), dir);
      checkEveryTurn("passthrough", o);
      await story.check("passthrough", o);
      expect(rig.trap.hits).toEqual([]);
    }, 120_000);
  }
});
