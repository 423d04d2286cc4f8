// Drives the real Claude Code CLI (installed by scripts/install-claude-code.sh) against the
// compiled sluice and the built-in mock upstream. Promises: Claude Code runs with an isolated
// HOME and config dir, trusts sluice's cert the way users are told to, and any attempt of its
// own to reach the internet lands in a local trap proxy that records it instead.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../e2e/helpers.ts";

export const CLAUDE_BIN =
  process.env.CLAUDE_CODE_BIN ?? join(ROOT, ".tools/claude-code/node_modules/.bin/claude");
/** Set by `make test-claude-code`: a missing install is then a failure, not a skip. */
export const REQUIRED = process.env.SLUICE_REQUIRE_CLAUDE_CODE === "1";
export const OUTPUT_DIR = join(
  ROOT,
  "tests/output/claude-code",
  process.env.CLAUDE_CODE_VERSION ?? "default",
);
/** Upper bound for one Claude Code run; a normal run here takes about a second. */
const RUN_TIMEOUT_MS = 60_000;

export const claudeCodeInstalled = (): boolean => existsSync(CLAUDE_BIN);

export function claudeCodeVersion(): string {
  const p = Bun.spawnSync([CLAUDE_BIN, "--version"], { env: { PATH: process.env.PATH ?? "" } });
  return p.stdout.toString().trim();
}

export type Json = Record<string, unknown>;
export const isJson = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const field = (v: unknown, key: string): unknown => (isJson(v) ? v[key] : undefined);

/** Records every connection made to it (CONNECT lines, plain proxy requests) and closes it. */
export interface Trap {
  url: string;
  hits: string[];
  stop(): void;
}

export function startTrapProxy(): Trap {
  const hits: string[] = [];
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      data(socket, data) {
        hits.push(data.toString().split("\r\n")[0] ?? "");
        socket.end();
      },
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, hits, stop: () => server.stop(true) };
}

export interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The `--output-format stream-json` lines, parsed. */
  events: Json[];
}

export interface ClaudeEnv {
  baseUrl: string;
  cert: string;
  trap: Trap;
  apiKey: string;
  /** Prepended to PATH, for commands the Bash tool may run. */
  binDir?: string;
  /** Reused between runs that continue one conversation (`--continue`); fresh by default. */
  home?: string;
  cwd?: string;
  /** More environment for Claude Code (CLAUDE_CODE_PROMPT_CACHE_TTL, ANTHROPIC_CUSTOM_HEADERS ...). */
  extraEnv?: Record<string, string>;
}

/** Runs `claude -p PROMPT --output-format stream-json --verbose --include-partial-messages ARGS`. */
export async function runClaudeCode(prompt: string, args: string[], env: ClaudeEnv): Promise<ClaudeRun> {
  const home = env.home ?? tempDir("claude-home");
  const cwd = env.cwd ?? tempDir("claude-cwd");
  const proc = Bun.spawn(
    [
      CLAUDE_BIN,
      "-p",
      prompt,
      "--output-format",
      "stream-json",
      "--verbose",
      "--include-partial-messages",
      ...args,
    ],
    {
      cwd,
      env: {
        PATH: [env.binDir, process.env.PATH ?? "/usr/bin:/bin"].filter(Boolean).join(":"),
        HOME: home,
        CLAUDE_CONFIG_DIR: join(home, ".claude"),
        ANTHROPIC_BASE_URL: env.baseUrl,
        ANTHROPIC_API_KEY: env.apiKey,
        NODE_EXTRA_CA_CERTS: env.cert,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        // Anything not bound for loopback would go through the trap and be seen there.
        HTTPS_PROXY: env.trap.url,
        HTTP_PROXY: env.trap.url,
        https_proxy: env.trap.url,
        http_proxy: env.trap.url,
        NO_PROXY: "127.0.0.1,localhost",
        no_proxy: "127.0.0.1,localhost",
        ...env.extraEnv,
      },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      timeout: RUN_TIMEOUT_MS,
    },
  );
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const events: Json[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    try {
      const e: unknown = JSON.parse(line);
      if (isJson(e)) events.push(e);
    } catch {
      // Not a stream-json line (a warning printed to stdout); kept in `stdout` for the report.
    }
  }
  return { code, stdout, stderr, events };
}

export const sessionIdOf = (run: ClaudeRun): unknown =>
  field(
    run.events.find((e) => e.type === "system"),
    "session_id",
  );
export const resultOf = (run: ClaudeRun): Json | undefined => run.events.find((e) => e.type === "result");

/** The text deltas Claude Code received, in order (one entry per SSE content_block_delta). */
export function textDeltas(run: ClaudeRun): string[] {
  const out: string[] = [];
  for (const e of run.events) {
    const delta = field(field(e, "event"), "delta");
    if (e.type === "stream_event" && field(delta, "type") === "text_delta")
      out.push(String(field(delta, "text")));
  }
  return out;
}

/** Content blocks of every assistant / user message Claude Code recorded, in order. */
export function blocksOf(run: ClaudeRun, role: "assistant" | "user"): Json[] {
  const out: Json[] = [];
  for (const e of run.events) {
    const content = field(field(e, "message"), "content");
    if (e.type === role && Array.isArray(content)) out.push(...content.filter(isJson));
  }
  return out;
}

export interface MockRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Json;
}

/** What the mock upstream received since its last reset, bodies parsed. */
export async function mockRequests(mockUrl: string): Promise<MockRequest[]> {
  const log = (await (await fetch(`${mockUrl}/__mock/requests`)).json()) as { requests: Json[] };
  return log.requests.map((r) => {
    if (r.bodyTruncated) throw new Error(`the mock cut a ${String(r.path)} body at 64 KB; cannot inspect it`);
    const text = String(r.body ?? "");
    const body: unknown = text ? JSON.parse(text) : {};
    return {
      method: String(r.method),
      path: String(r.path),
      query: (r.query ?? {}) as Record<string, string>,
      headers: (r.headers ?? {}) as Record<string, string>,
      body: isJson(body) ? body : {},
    };
  });
}

export const resetMock = (mockUrl: string) => fetch(`${mockUrl}/__mock/reset`, { method: "POST" });

/** sluice's JSON request log lines in `output` (one per proxied request). */
export function requestLogLines(output: string): Json[] {
  const out: Json[] = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const e: unknown = JSON.parse(line);
      if (isJson(e) && e.msg === "request") out.push(e);
    } catch {
      // a partial line still being written
    }
  }
  return out;
}

/** Waits until sluice has logged at least `count` request lines (a line lands as a stream ends). */
export async function waitForLogLines(
  output: () => string,
  count: number,
  timeoutMs = 5_000,
): Promise<Json[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const lines = requestLogLines(output());
    if (lines.length >= count || Date.now() > until) return lines;
    await Bun.sleep(25);
  }
}

/** A directory holding an executable `name` that prints `text`: a harmless command for the Bash tool. */
export function commandDir(name: string, text: string): string {
  const dir = tempDir("claude-bin");
  writeFileSync(join(dir, name), `#!/bin/sh\necho '${text}'\n`, { mode: 0o755 });
  return dir;
}

/** Keeps a run's transcript and what the mock saw under tests/output/claude-code/ for debugging. */
export function saveArtifacts(
  name: string,
  run: ClaudeRun,
  requests: MockRequest[],
  sluiceLog: string,
): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, `${name}.stream.jsonl`), run.stdout);
  writeFileSync(join(OUTPUT_DIR, `${name}.stderr.txt`), run.stderr);
  writeFileSync(join(OUTPUT_DIR, `${name}.upstream-requests.json`), JSON.stringify(requests, null, 2));
  writeFileSync(join(OUTPUT_DIR, `${name}.sluice.log`), sluiceLog);
}
