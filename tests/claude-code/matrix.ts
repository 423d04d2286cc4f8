// The two ways Claude Code meets a model through sluice, for the story matrix (stories.ts):
// passthrough (no routes: the mock answers as Anthropic) and translated (every model routed to
// the mock as an OpenAI-format backend). One sluice binary and one mock per mode; each story run
// starts from a fresh mock log and reads back what the upstream got and what sluice logged, in
// the same terms for both modes (turns, tool results, images, files).
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
  type ClaudeEnv,
  type ClaudeRun,
  isJson,
  type Json,
  type MockRequest,
  mockRequests,
  requestLogLines,
  resetMock,
  runClaudeCode,
  saveArtifacts,
  startTrapProxy,
  type Trap,
  waitForLogLines,
} from "./helpers.ts";

export type Mode = "passthrough" | "translated";

export const CLIENT_KEY = "sk-ant-claude-code-client-key";
export const BACKEND_KEY = "sk-mock-openai-backend-key";

export interface Rig {
  mode: Mode;
  mock: { url: string; proc: Proc };
  sluice: SluiceBinary;
  trap: Trap;
  stop(): Promise<void>;
}

export async function startRig(mode: Mode): Promise<Rig> {
  requireBinary();
  const trap = startTrapProxy();
  const mock = await startMockBinary();
  const upstreams = {
    SLUICE_ANTHROPIC_BASE_URL: mock.url,
    SLUICE_OPENAI_BASE_URL: mock.url,
    SLUICE_GEMINI_BASE_URL: mock.url,
  };
  let env: Record<string, string> = upstreams;
  if (mode === "translated") {
    const config = join(tempDir("claude-config"), "sluice.toml");
    writeFileSync(
      config,
      [
        "[providers.mock]",
        'preset = "openai"',
        `base_url = "${mock.url}/v1"`,
        'api_key_env = "MOCK_OPENAI_KEY"',
        "",
        "# every model Claude Code uses, the main one, the small fast one and subagents'",
        "[[routes]]",
        'match = "*"',
        'provider = "mock"',
        'model = "mock-gpt"',
        "",
      ].join("\n"),
    );
    env = { ...upstreams, SLUICE_CONFIG: config, MOCK_OPENAI_KEY: BACKEND_KEY };
  }
  const sluice = await startSluiceBinary(env, { admin: true });
  return {
    mode,
    mock,
    sluice,
    trap,
    async stop() {
      await sluice.proc.stop();
      await mock.proc.stop();
      trap.stop();
    },
  };
}

export interface Outcome {
  runs: ClaudeRun[];
  /** What the mock received during the story, in order. */
  requests: MockRequest[];
  /** sluice's request log lines for the story. */
  logged: Json[];
}

export interface StoryRun {
  prompt: string;
  args?: string[];
  /** Continue the previous run's conversation (same HOME and directory). */
  continues?: boolean;
  extra?: Record<string, string>;
}

/** Runs a story's Claude Code invocations against a fresh mock log; a failed run throws. */
export async function play(
  rig: Rig,
  name: string,
  runs: StoryRun[],
  setup: { cwd: string; binDir?: string },
): Promise<Outcome> {
  await resetMock(rig.mock.url);
  const logFrom = requestLogLines(rig.sluice.proc.output()).length;
  const home = tempDir("claude-home");
  const done: ClaudeRun[] = [];
  for (const [i, r] of runs.entries()) {
    const env: ClaudeEnv = {
      baseUrl: rig.sluice.url,
      cert: rig.sluice.cert,
      trap: rig.trap,
      apiKey: CLIENT_KEY,
      home,
      cwd: setup.cwd,
      ...(setup.binDir ? { binDir: setup.binDir } : {}),
      ...(r.extra ? { extraEnv: r.extra } : {}),
    };
    // A story that goes wrong must not loop for a minute: no story needs more than a few turns.
    const args = [...(r.args ?? []), "--max-turns", "6", ...(r.continues ? ["--continue"] : [])];
    const run = await runClaudeCode(r.prompt, args, env);
    done.push(run);
    if (run.code !== 0) {
      saveArtifacts(
        `${rig.mode}-${name}-${i}`,
        run,
        await mockRequests(rig.mock.url),
        rig.sluice.proc.output(),
      );
      throw new Error(
        `claude exited ${run.code}\nstderr:\n${run.stderr}\nstdout (end):\n${run.stdout.slice(-4000)}`,
      );
    }
  }
  const requests = await mockRequests(rig.mock.url);
  const logged = (await waitForLogLines(rig.sluice.proc.output, logFrom + requests.length)).slice(logFrom);
  for (const [i, run] of done.entries())
    saveArtifacts(`${rig.mode}-${name}-${i}`, run, requests, rig.sluice.proc.output());
  return { runs: done, requests, logged };
}

const MODEL_PATH: Record<Mode, string> = { passthrough: "/v1/messages", translated: "/v1/chat/completions" };

/** The model turns the upstream got (its /v1/messages or its /v1/chat/completions requests). */
export const turnsOf = (mode: Mode, o: Outcome): MockRequest[] =>
  o.requests.filter((r) => r.path === MODEL_PATH[mode]);

export const messagesOf = (r: MockRequest | undefined): Json[] =>
  Array.isArray(r?.body.messages) ? r.body.messages.filter(isJson) : [];

const blocks = (m: Json): Json[] => (Array.isArray(m.content) ? m.content.filter(isJson) : []);
const textOf = (content: unknown): string =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
      ? content
          .filter(isJson)
          .map((b) => (typeof b.text === "string" ? b.text : ""))
          .join("\n")
      : "";

/** The tool results a turn carries, by call id, whatever the wire format. */
export function toolResultsIn(
  mode: Mode,
  turn: MockRequest | undefined,
): { id: string; text: string; parts: Json[] }[] {
  const messages = messagesOf(turn);
  if (mode === "translated") {
    return messages
      .filter((m) => m.role === "tool")
      .map((m) => ({ id: String(m.tool_call_id), text: textOf(m.content), parts: [] }));
  }
  const last = messages.filter((m) => m.role === "user").at(-1);
  return (last ? blocks(last) : [])
    .filter((b) => b.type === "tool_result")
    .map((b) => ({
      id: String(b.tool_use_id),
      text: textOf(b.content),
      parts: Array.isArray(b.content) ? b.content.filter(isJson) : [],
    }));
}

/** Base64 payloads of the images (or PDFs) a turn's last messages carry to the model. */
export function attachmentsIn(mode: Mode, turn: MockRequest | undefined, kind: "image" | "pdf"): string[] {
  const messages = messagesOf(turn);
  if (mode === "passthrough") {
    return toolResultsIn(mode, turn)
      .flatMap((r) => r.parts)
      .filter((p) => p.type === (kind === "image" ? "image" : "document"))
      .map((p) => String((p.source as Json | undefined)?.data));
  }
  const prefix = kind === "image" ? /^data:image\/[a-z]+;base64,/ : /^data:application\/pdf;base64,/;
  return messages
    .filter((m) => m.role === "user")
    .flatMap(blocks)
    .map((p) =>
      p.type === "image_url"
        ? String((p.image_url as Json | undefined)?.url)
        : p.type === "file"
          ? String((p.file as Json | undefined)?.file_data)
          : "",
    )
    .filter((url) => prefix.test(url))
    .map((url) => url.replace(prefix, ""));
}

/** The text of the last user message of a turn (for scripted prompts and subagent tasks). */
export function lastUserText(turn: MockRequest | undefined): string {
  const user = messagesOf(turn).filter((m) => m.role === "user");
  for (let i = user.length - 1; i >= 0; i--) {
    const text = textOf(user[i]?.content);
    if (text !== "") return text;
  }
  return "";
}
