// Claude Code itself (pinned by scripts/install-claude-code.sh), driven through the compiled
// sluice to the mock as an OpenAI-format backend: every model Claude Code asks for is routed
// there, so each turn is translated Anthropic Messages -> Chat Completions and back.
// Skips when Claude Code is not installed; `make test-claude-code` installs it and makes that
// a failure instead.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Proc,
  requireBinary,
  type SluiceBinary,
  startMockBinary,
  startSluiceBinary,
  tempDir,
} from "../e2e/helpers.ts";
import {
  blocksOf,
  CLAUDE_BIN,
  type ClaudeRun,
  claudeCodeInstalled,
  claudeCodeVersion,
  commandDir,
  isJson,
  type Json,
  type MockRequest,
  mockRequests,
  REQUIRED,
  requestLogLines,
  resetMock,
  resultOf,
  runClaudeCode,
  saveArtifacts,
  sessionIdOf,
  startTrapProxy,
  type Trap,
  textDeltas,
  waitForLogLines,
} from "./helpers.ts";

const CLIENT_KEY = "sk-ant-claude-code-client-key";
const BACKEND_KEY = "sk-mock-openai-backend-key";
const CANARY = "sluice-claude-code-canary: the mock command ran";

const installed = claudeCodeInstalled();
if (!installed && !REQUIRED) {
  console.warn(
    `skipping the Claude Code tests: ${CLAUDE_BIN} is missing. ` +
      `"make test-claude-code" installs the pinned @anthropic-ai/claude-code and runs them.`,
  );
}

let mock: { url: string; proc: Proc };
let sluice: SluiceBinary;
let trap: Trap;

beforeAll(async () => {
  if (!installed) return;
  requireBinary();
  trap = startTrapProxy();
  mock = await startMockBinary();
  const dir = tempDir("claude-config");
  const config = join(dir, "sluice.toml");
  writeFileSync(
    config,
    [
      "[providers.mock]",
      'preset = "openai"',
      `base_url = "${mock.url}/v1"`,
      'api_key_env = "MOCK_OPENAI_KEY"',
      "",
      "# every model Claude Code uses, the main one and the small fast one",
      "[[routes]]",
      'match = "*"',
      'provider = "mock"',
      'model = "mock-gpt"',
      "",
    ].join("\n"),
  );
  sluice = await startSluiceBinary({
    SLUICE_CONFIG: config,
    MOCK_OPENAI_KEY: BACKEND_KEY,
    // Unrouted traffic would show up at the mock as /v1/messages instead of leaving the machine.
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_OPENAI_BASE_URL: mock.url,
    SLUICE_GEMINI_BASE_URL: mock.url,
  });
  console.log(`Claude Code ${claudeCodeVersion()} against sluice ${sluice.url}, mock ${mock.url}`);
});
afterAll(async () => {
  await sluice?.proc.stop();
  await mock?.proc.stop();
  trap?.stop();
});

/** Runs Claude Code once against a fresh mock log; returns the run and what it caused. */
async function drive(name: string, prompt: string, args: string[] = [], binDir?: string) {
  await resetMock(mock.url);
  const logFrom = requestLogLines(sluice.proc.output()).length;
  const run = await runClaudeCode(prompt, args, {
    baseUrl: sluice.url,
    cert: sluice.cert,
    trap,
    apiKey: CLIENT_KEY,
    ...(binDir ? { binDir } : {}),
  });
  const requests = await mockRequests(mock.url);
  const logged = (await waitForLogLines(sluice.proc.output, logFrom + requests.length)).slice(logFrom);
  saveArtifacts(name, run, requests, sluice.proc.output());
  if (run.code !== 0) {
    throw new Error(
      `claude exited ${run.code}\nstderr:\n${run.stderr}\nstdout (end):\n${run.stdout.slice(-4000)}`,
    );
  }
  return { run, requests, logged };
}

/** Every model turn crossed sluice, was translated for the mock, and nothing tried the internet. */
function expectAllThroughSluice(run: ClaudeRun, requests: MockRequest[], logged: Json[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    // Nothing reached the mock's Anthropic side: every turn was translated.
    expect(`${r.method} ${r.path}`).toBe("POST /v1/chat/completions");
    expect(r.headers.authorization).toBe(`Bearer ${BACKEND_KEY}`);
    expect(JSON.stringify(r.headers)).not.toContain(CLIENT_KEY);
    expect(r.body.model).toBe("mock-gpt");
    expect(r.body.stream).toBe(true);
  }
  const turns = logged.filter((l) => l.path === "/v1/messages");
  expect(turns).toHaveLength(requests.length);
  for (const line of turns) {
    expect(line).toMatchObject({ method: "POST", upstream: "mock", status: 200, outcome: "ok" });
    expect(line.session).toBe(sessionIdOf(run));
  }
  // count_tokens and /v1/models are not called by `claude -p` today; if a new version does,
  // sluice must have answered them itself.
  for (const line of logged.filter((l) => l.path !== "/v1/messages")) {
    expect(line).toMatchObject({ status: 200, outcome: "ok" });
  }
  expect(trap.hits).toEqual([]);
}

const messagesOf = (r: MockRequest | undefined): Json[] =>
  Array.isArray(r?.body.messages) ? r.body.messages.filter(isJson) : [];

describe.skipIf(!installed && !REQUIRED)("Claude Code through sluice to an OpenAI-format backend", () => {
  test("Claude Code is installed (make test-claude-code installs it)", () => {
    if (!installed) throw new Error(`${CLAUDE_BIN} is missing: run scripts/install-claude-code.sh`);
  });

  test("a prompt gets the backend's answer, streamed delta by delta, and Claude Code exits 0", async () => {
    const { run, requests, logged } = await drive("prompt", "Say hello through sluice");
    const result = resultOf(run);
    expect(result).toMatchObject({ subtype: "success", is_error: false });
    const answer = String(result?.result);
    expect(answer).toStartWith("Mock reply to:");
    const deltas = textDeltas(run);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(answer);
    // The prompt reached the backend as the last user turn.
    const users = messagesOf(requests.at(-1)).filter((m) => m.role === "user");
    expect(JSON.stringify(users.at(-1))).toContain("Say hello through sluice");
    expectAllThroughSluice(run, requests, logged);
  }, 90_000);

  test("a tool call runs in Claude Code and its result comes back to the backend in the next turn", async () => {
    const bin = commandDir("mock", CANARY);
    // The mock calls the tool the prompt names, with {command: "mock"} built from Bash's schema.
    const { run, requests, logged } = await drive(
      "tool-call",
      "Please call bash to run the mock command",
      ["--allowedTools", "Bash(mock)"],
      bin,
    );
    const toolUse = blocksOf(run, "assistant").find((b) => b.type === "tool_use");
    expect(toolUse).toMatchObject({ name: "Bash", input: { command: "mock" } });
    const callId = String(toolUse?.id);
    const toolResult = blocksOf(run, "user").find((b) => b.type === "tool_result");
    expect(toolResult).toMatchObject({ tool_use_id: callId, is_error: false });
    expect(JSON.stringify(toolResult?.content)).toContain(CANARY);

    expect(requests.length).toBeGreaterThanOrEqual(2);
    // The next turn carried the call and, last, its result as an OpenAI tool message.
    const next = requests.at(-1);
    const calls = messagesOf(next).flatMap((m) => (Array.isArray(m.tool_calls) ? m.tool_calls : []));
    expect(calls).toContainEqual(
      expect.objectContaining({ id: callId, function: expect.objectContaining({ name: "Bash" }) }),
    );
    const last = messagesOf(next).at(-1);
    expect(last).toMatchObject({ role: "tool", tool_call_id: callId });
    expect(String(last?.content)).toContain(CANARY);

    const result = resultOf(run);
    expect(result).toMatchObject({ subtype: "success", is_error: false, permission_denials: [] });
    expect(String(result?.result)).toBe(`Mock reply to tool result: "${CANARY}"`);
    expectAllThroughSluice(run, requests, logged);
  }, 90_000);
});
