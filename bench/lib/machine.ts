// Describes the machine and the run for RESULTS.md (CPU, cores, memory, kernel, OS, Bun), and
// restarts the benchmark process with Bun's fetch limit raised so that a thousand client
// streams are really in flight at once. Promises: read-only apart from that one re-exec.
import { readdirSync, readFileSync } from "node:fs";
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

/** Machine-wide CPU ticks (all cores), busy and in all, from /proc/stat. */
function cpuTicks(): { idle: number; total: number } {
  const f = read("/proc/stat").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}

/** CPU ticks of this process tree: itself, its descendants alive now, and those that ended. */
function ownTicks(): number {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    const f = stat
      .slice(stat.lastIndexOf(")") + 2)
      .split(" ")
      .map(Number);
    // utime, stime, and the children's that were waited for.
    procs.set(Number(entry), {
      ppid: f[1] ?? 0,
      ticks: (f[11] ?? 0) + (f[12] ?? 0) + (f[13] ?? 0) + (f[14] ?? 0),
    });
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (p === process.pid) return true;
      p = procs.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let total = 0;
  for (const [pid, p] of procs) if (inTree(pid)) total += p.ticks;
  return total;
}

const load1 = () => Number(read("/proc/loadavg").split(" ")[0]);

export interface LoadSummary {
  /** The 1-minute load average at the start, its mean and its highest value over the run. */
  loadFirst: number;
  loadMean: number;
  loadMax: number;
  /** Share of all cores' time that processes outside this benchmark used during the run. */
  othersShare: number;
}

/**
 * Watches how loaded the machine is while the benchmark runs: the load average every few
 * seconds, and at the end the CPU time the rest of the machine used (all busy time minus this
 * process tree's). Call stop() once every child has exited.
 */
export function watchLoad(intervalMs = 5000): { stop(): LoadSummary } {
  const first = load1();
  const loads = [first];
  const cpu0 = cpuTicks();
  const own0 = ownTicks();
  const timer = setInterval(() => loads.push(load1()), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const cpu1 = cpuTicks();
      const busy = cpu1.total - cpu1.idle - (cpu0.total - cpu0.idle);
      const span = cpu1.total - cpu0.total;
      return {
        loadFirst: first,
        loadMean: loads.reduce((a, b) => a + b, 0) / loads.length,
        loadMax: Math.max(...loads),
        othersShare: span > 0 ? Math.max(0, busy - (ownTicks() - own0)) / span : Number.NaN,
      };
    },
  };
}

/** The share of CPU time (all cores) spent busy over `ms`, from /proc/stat: what else is running. */
export async function busyShare(ms = 2000): Promise<number> {
  const snap = cpuTicks;
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

export function describeMachine(busyBefore: number, load?: LoadSummary): string[] {
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
    ...(load
      ? [
          `load average (1 min) during the run: ${load.loadFirst.toFixed(2)} at the start, mean ${load.loadMean.toFixed(2)}, highest ${load.loadMax.toFixed(2)}`,
          `CPU used by other processes during the run: ${(load.othersShare * 100).toFixed(0)}% of the ${cpus().length} cores`,
        ]
      : []),
  ];
}
