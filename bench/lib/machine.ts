// Describes the machine and the run for RESULTS.md (CPU, cores, memory, kernel, OS, Bun), and
// restarts the benchmark process with Bun's fetch limit raised so that a thousand client
// streams are really in flight at once. Promises: read-only apart from that one re-exec.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export const FETCH_LIMIT = "8192";

/**
 * Bun reads BUN_CONFIG_MAX_HTTP_REQUESTS (default 256) once at start: when it is missing, run
 * this same script again with it set and exit with that run's code.
 */
export async function withFetchLimit(): Promise<void> {
  if (process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) return;
  const proc = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...(process.env as Record<string, string>), BUN_CONFIG_MAX_HTTP_REQUESTS: FETCH_LIMIT },
    stdio: ["inherit", "inherit", "inherit"],
  });
  const forward = (signal: NodeJS.Signals) => () => proc.kill(signal);
  process.on("SIGINT", forward("SIGINT"));
  process.on("SIGTERM", forward("SIGTERM"));
  process.exit(await proc.exited);
}

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The share of CPU time (all cores) spent busy over `ms`, from /proc/stat: what else is running. */
export async function busyShare(ms = 2000): Promise<number> {
  const snap = () => {
    const f = read("/proc/stat").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = snap();
  await Bun.sleep(ms);
  const b = snap();
  return b.total === a.total ? Number.NaN : 1 - (b.idle - a.idle) / (b.total - a.total);
}

/** The commit the tree is at, "-dirty" when tracked files differ (never takes git's index lock). */
export function gitDescribe(cwd: string): string {
  const git = (...args: string[]) => {
    const r = Bun.spawnSync(["git", "--no-optional-locks", ...args], {
      cwd,
      stdout: "pipe",
      stderr: "ignore",
    });
    return r.exitCode === 0 ? r.stdout.toString().trim() : undefined;
  };
  const head = git("rev-parse", "--short", "HEAD");
  if (!head) return "";
  return git("status", "--porcelain", "--untracked-files=no") ? `${head}-dirty` : head;
}

export function describeMachine(busyBefore: number): string[] {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const os = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(read("/etc/os-release"))?.[1] ?? process.platform;
  const kernel = read("/proc/sys/kernel/osrelease").trim();
  const virt = read("/proc/cpuinfo").includes("hypervisor") ? " (virtual machine)" : "";
  return [
    `CPU: ${cpu}, ${cpus().length} cores${virt}`,
    `memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `OS: ${os}, Linux ${kernel}`,
    `Bun (benchmark client): ${Bun.version}`,
    `CPU busy in the 2 s before the run (other work on the machine): ${(busyBefore * 100).toFixed(0)}%` +
      (busyBefore > 0.1 ? " (something else was running: figures are depressed and noisier)" : ""),
  ];
}
