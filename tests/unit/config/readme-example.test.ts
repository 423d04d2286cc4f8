// The README's worked resilience example is a configuration that loads, and means what the
// README says: a pool of two Anthropic keys, then OpenRouter, then the local model.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../../src/config/load.ts";
import { buildPlan } from "../../../src/routing/plan.ts";
import { createRouter } from "../../../src/routing/providers.ts";

const readme = readFileSync(join(import.meta.dir, "../../../README.md"), "utf8");
const start = readme.indexOf("### Worked example");
const section = readme.slice(start, readme.indexOf("\n## ", start));
const FENCED = /```(\w+)\n([\s\S]*?)```/g;

test("the worked example loads and plans Anthropic (two keys), OpenRouter, then the local model", () => {
  const blocks = [...section.matchAll(FENCED)].map((m) => ({ lang: m[1], text: m[2]! }));
  const toml = blocks.find((b) => b.lang === "toml")!.text;
  const env = Object.fromEntries(
    [...blocks.find((b) => b.lang === "sh")!.text.matchAll(/^([A-Z_]+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const r = loadConfig({ configPath: "ex.toml", readFile: () => toml, env });
  if (!r.ok) throw new Error(r.errors.join("\n"));
  const plan = buildPlan({
    upstream: r.config.upstreams.anthropic,
    match: createRouter(r.config).match("claude-sonnet-4-5"),
    counting: false,
  });
  expect(plan.map((t) => [t.name, t.leg, t.match?.model, t.keys.length])).toEqual([
    ["anthropic", "pass", "claude-sonnet-4-5", 2],
    ["openrouter", "translate", "anthropic/claude-sonnet-4.5", 1],
    ["local", "translate", "qwen3-coder", 0],
  ]);
  expect(
    createRouter(r.config)
      .match("gpt-4o")
      ?.fallback?.map((m) => m.provider.name),
  ).toEqual(["local"]);
});
