// Claude Code behind sluice's key gate with its own credential: ANTHROPIC_CUSTOM_HEADERS carries
// the internal key as x-sluice-key, and Claude Code's own key (here an API key; a subscription's
// OAuth token travels the same way, as Authorization) reaches Anthropic, since sluice has no
// Anthropic key of its own. The internal key never does.
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
  mockRequests,
  REQUIRED,
  resultOf,
  runClaudeCode,
  saveArtifacts,
  startTrapProxy,
  type Trap,
} from "./helpers.ts";

const OWN_KEY = "sk-ant-claude-code-users-own-key";
const INTERNAL = "sk-sluice-internal-for-claude-code";
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
    SLUICE_API_KEYS: `dev=${INTERNAL}`,
  });
});
afterAll(async () => {
  await sluice?.proc.stop();
  await mock?.proc.stop();
  trap?.stop();
});

describe.skipIf(!installed && !REQUIRED)("Claude Code with x-sluice-key", () => {
  test("its own key reaches Anthropic, the internal key stays at the gate", async () => {
    const run = await runClaudeCode("Say hello behind the gate", [], {
      baseUrl: sluice.url,
      cert: sluice.cert,
      trap,
      apiKey: OWN_KEY,
      extraEnv: { ANTHROPIC_CUSTOM_HEADERS: `x-sluice-key: ${INTERNAL}` },
    });
    const requests = await mockRequests(mock.url);
    saveArtifacts("sluice-key", run, requests, sluice.proc.output());
    if (run.code !== 0)
      throw new Error(`claude exited ${run.code}\n${run.stderr}\n${run.stdout.slice(-4000)}`);
    expect(String(resultOf(run)?.result)).toStartWith("Mock reply to:");
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect(r.headers["x-api-key"]).toBe(OWN_KEY);
      expect(JSON.stringify(r.headers)).not.toContain(INTERNAL);
    }
    expect(sluice.proc.output()).toContain('"client":"dev"');
    expect(sluice.proc.output()).not.toContain(INTERNAL);
  }, 90_000);
});
