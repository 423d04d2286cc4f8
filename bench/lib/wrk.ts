// Non-streamed load: wrk (C, one thread, keep-alive) drives POST /v1/messages at a fixed number
// of connections for a fixed time and reports latency percentiles in microseconds through a
// Lua done() hook. Promises: the script and body live in the run's temp dir; a wrk that fails
// comes back as an error value with its output, never a throw.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BASE_HEADERS, JSON_SHAPE, type LoadShape, MESSAGES_PATH, shapeRequest } from "./request.ts";

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Non-2xx answers plus socket errors and timeouts. */
  errors: number;
}

const luaString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The Lua script: method, body (read from a file), headers and a one-line JSON report. */
export function wrkScript(bodyPath: string, headers: Record<string, string>): string {
  const lines = [
    'wrk.method = "POST"',
    `local f = assert(io.open(${luaString(bodyPath)}, "rb"))`,
    "wrk.body = f:read('*a')",
    "f:close()",
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${luaString(k)}] = ${luaString(v)}`),
    "done = function(s, latency, requests)",
    "  local e = s.errors",
    '  io.write(string.format("WRKJSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50\\":%d,\\"p99\\":%d,\\"mean\\":%.1f,\\"errors\\":%d}\\n",',
    "    s.requests, s.duration, latency:percentile(50), latency:percentile(99), latency.mean,",
    "    e.connect + e.read + e.write + e.status + e.timeout))",
    "end",
  ];
  return `${lines.join("\n")}\n`;
}

export function parseWrk(out: string): LoadResult | undefined {
  const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
  if (!line) return undefined;
  const r = JSON.parse(line.slice(8)) as {
    requests: number;
    duration_us: number;
    p50: number;
    p99: number;
    mean: number;
    errors: number;
  };
  const seconds = r.duration_us / 1e6;
  return {
    requests: r.requests,
    seconds,
    rps: r.requests / seconds,
    p50Ms: r.p50 / 1000,
    p99Ms: r.p99 / 1000,
    meanMs: r.mean / 1000,
    errors: r.errors,
  };
}

export async function runWrk(
  wrk: string,
  tmp: string,
  target: { id: string; url: string; headers: Record<string, string> },
  connections: number,
  seconds: number,
  shape: LoadShape = JSON_SHAPE,
): Promise<LoadResult | { error: string }> {
  const request = shapeRequest(shape);
  const bodyPath = join(tmp, `body-${shape.kind}.json`);
  writeFileSync(bodyPath, request.body);
  const script = join(tmp, `wrk-${target.id}-${shape.kind}.lua`);
  writeFileSync(script, wrkScript(bodyPath, { ...BASE_HEADERS, ...request.headers, ...target.headers }));
  const proc = Bun.spawn(
    [
      wrk,
      "-t1",
      `-c${connections}`,
      `-d${seconds}s`,
      "--timeout",
      "10s",
      "-s",
      script,
      target.url + MESSAGES_PATH,
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  return parseWrk(out) ?? { error: `wrk failed: ${(out + err).trim().split("\n").slice(-3).join(" / ")}` };
}
