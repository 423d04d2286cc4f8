// Claude Code through sluice with no routes: its requests reach the Anthropic upstream (the
// mock) as Claude Code sent them. Also records what the pinned Claude Code sends, so a new
// version that changes its path, headers or body shape shows up here first.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type Proc,
  requireBinary,
  type SluiceBinary,
  startMockBinary,
  startSluiceBinary,
} from "../e2e/helpers.ts";
import {
  claudeCodeInstalled,
  isJson,
  mockRequests,
  REQUIRED,
  resultOf,
  runClaudeCode,
  saveArtifacts,
  sessionIdOf,
  startTrapProxy,
  type Trap,
  textDeltas,
} from "./helpers.ts";

const CLIENT_KEY = "sk-ant-claude-code-client-key";
const installed = claudeCodeInstalled();

let mock: { url: string; proc: Proc };
let sluice: SluiceBinary;
let trap: Trap;

beforeAll(async () => {
  if (!installed) return;
  requireBinary();
  trap = startTrapProxy();
  mock = await startMockBinary();
  sluice = await startSluiceBinary({
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_OPENAI_BASE_URL: mock.url,
    SLUICE_GEMINI_BASE_URL: mock.url,
  });
});
afterAll(async () => {
  await sluice?.proc.stop();
  await mock?.proc.stop();
  trap?.stop();
});

describe.skipIf(!installed && !REQUIRED)("Claude Code through sluice to Anthropic", () => {
  test("its request reaches the Anthropic upstream with path, query, headers and body fields intact", async () => {
    const run = await runClaudeCode("Say hello to Anthropic through sluice", [], {
      baseUrl: sluice.url,
      cert: sluice.cert,
      trap,
      apiKey: CLIENT_KEY,
    });
    const requests = await mockRequests(mock.url);
    saveArtifacts("passthrough", run, requests, sluice.proc.output());
    if (run.code !== 0)
      throw new Error(`claude exited ${run.code}\n${run.stderr}\n${run.stdout.slice(-4000)}`);
    expect(String(resultOf(run)?.result)).toStartWith("Mock reply to:");
    expect(textDeltas(run).length).toBeGreaterThan(1);
    expect(trap.hits).toEqual([]);

    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(`${r.method} ${r.path}`).toBe("POST /v1/messages");
      expect(r.query).toEqual({ beta: "true" });
      expect(r.headers).toMatchObject({
        "x-api-key": CLIENT_KEY,
        "anthropic-version": "2023-06-01",
        "x-app": "cli",
        "x-claude-code-session-id": String(sessionIdOf(run)),
      });
      expect(r.headers["anthropic-beta"]).toContain("claude-code-20250219");
      expect(r.headers["user-agent"]).toStartWith("claude-cli/");
    }

    // The body fields beyond the basics that sluice's validator must let through untouched.
    const body = requests[0]?.body ?? {};
    expect(body).toMatchObject({ stream: true, thinking: { type: "adaptive" } });
    expect(typeof body.max_tokens).toBe("number");
    expect(typeof (body.metadata as { user_id?: unknown }).user_id).toBe("string");
    expect(body).toHaveProperty("context_management");
    expect(body).toHaveProperty("output_config.effort");
    const system = Array.isArray(body.system) ? body.system.filter(isJson) : [];
    expect(system.some((b) => b.cache_control !== undefined)).toBe(true);
    const tools = Array.isArray(body.tools) ? body.tools.filter(isJson) : [];
    expect(tools.some((t) => t.name === "Bash")).toBe(true);
    expect(tools.some((t) => t.defer_loading === true)).toBe(true);
    const roles = Array.isArray(body.messages) ? body.messages.filter(isJson).map((m) => m.role) : [];
    expect(roles).toContain("system");
  }, 90_000);
});
