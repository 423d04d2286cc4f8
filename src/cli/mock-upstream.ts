// `sluice mock-upstream [--port 8787] [--host 127.0.0.1] [--latency-ms N] [--gap-ms N] [--events N]`:
// runs the built-in fake Anthropic + OpenAI + Gemini upstream until SIGINT / SIGTERM.
// Promises: one line on stdout with the URL and the SLUICE_*_BASE_URL settings to use it; bad
// flags are all reported at once on stderr with exit code 2; a clean stop returns 0.

import { MAX_EVENTS } from "../mock-upstream/knobs.ts";
import { DEFAULT_PORT, startMockUpstream } from "../mock-upstream/server.ts";
import type { MockOptions } from "../mock-upstream/types.ts";

export const MOCK_USAGE = `usage: sluice mock-upstream [flags]

  --port N         port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H         address to bind (default 127.0.0.1)
  --latency-ms N   default delay before response headers (header x-mock-latency-ms overrides)
  --gap-ms N       default delay between stream events (header x-mock-gap-ms overrides)
  --events N       default number of text delta events per reply (header x-mock-events overrides)
  --help           show this help
`;

export type MockArgs = { ok: true; help: boolean; options: MockOptions } | { ok: false; errors: string[] };

const NUMERIC: Record<string, [key: "port" | "latencyMs" | "gapMs" | "events", min: number, max: number]> = {
  "--port": ["port", 0, 65535],
  "--latency-ms": ["latencyMs", 0, 600_000],
  "--gap-ms": ["gapMs", 0, 600_000],
  "--events": ["events", 1, MAX_EVENTS],
};

/** Parses the flags (`--flag value` or `--flag=value`); every problem is reported, not just the first. */
export function parseMockArgs(argv: readonly string[]): MockArgs {
  const options: MockOptions = {};
  const errors: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    const numeric = NUMERIC[name];
    if (name === "--help" || name === "-h") help = true;
    else if (name === "--host") {
      const host = value();
      if (host) options.hostname = host;
      else errors.push("--host needs a value");
    } else if (numeric) {
      const [key, min, max] = numeric;
      const raw = value();
      const n = Number(raw);
      if (raw === undefined || raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
        errors.push(
          `${name} must be an integer from ${min} to ${max}, got ${raw === undefined ? "nothing" : `"${raw}"`}`,
        );
      } else options[key] = n;
    } else errors.push(`unknown argument ${arg}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, help, options };
}

export interface MockCliIo {
  out(text: string): void;
  err(text: string): void;
  /** Stops the server when aborted; SIGINT and SIGTERM always do. */
  stop?: AbortSignal;
}

const processIo: MockCliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs until SIGINT / SIGTERM (or io.stop); resolves with the exit code. */
export async function runMockUpstream(argv: string[], io: MockCliIo = processIo): Promise<number> {
  const args = parseMockArgs(argv);
  if (!args.ok) {
    io.err(`sluice mock-upstream: ${args.errors.join("; ")}\n\n${MOCK_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(MOCK_USAGE);
    return 0;
  }
  let mock: ReturnType<typeof startMockUpstream>;
  try {
    mock = startMockUpstream(args.options);
  } catch (err) {
    io.err(`sluice mock-upstream: cannot listen: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const url = mock.url;
  io.out(
    `sluice mock-upstream listening on ${url}  ` +
      `SLUICE_ANTHROPIC_BASE_URL=${url} SLUICE_OPENAI_BASE_URL=${url} SLUICE_GEMINI_BASE_URL=${url}\n`,
  );
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      io.stop?.removeEventListener("abort", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
    if (io.stop?.aborted) done();
    else io.stop?.addEventListener("abort", done, { once: true });
  });
  await mock.stop();
  return 0;
}
