// Processes the benchmarks start and watch: spawning with output to a log file, waiting for a
// port to answer, stopping by pid, and reading a process's memory, file descriptors and TCP
// sockets from /proc. Promises: every process started here is stopped by stop(), by its own
// pid only; /proc readers return undefined instead of throwing once a process is gone.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export interface Service {
  name: string;
  pid: number;
  log: string;
  exited: Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** A port that was free a moment ago (bind to 0, read, close). */
export function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export function spawnService(
  name: string,
  cmd: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; logDir: string },
): Service {
  const log = join(opts.logDir, `${name}.log`);
  const fd = openSync(log, "a");
  const proc = Bun.spawn(cmd, {
    env: opts.env ?? (process.env as Record<string, string>),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    stdin: "ignore",
    stdout: fd,
    stderr: fd,
  });
  closeSync(fd);
  const exited = proc.exited;
  return {
    name,
    pid: proc.pid,
    log,
    exited,
    async stop(graceMs = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), Bun.sleep(graceMs).then(() => false)]);
      if (!done) {
        proc.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Polls until `probe` resolves true or the deadline passes; returns the ms it took, or undefined. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await probe().catch(() => false)) return performance.now() - start;
    await Bun.sleep(1);
  }
  return undefined;
}

/** True when `url` answers with any HTTP status (TLS unverified). */
export async function answers(url: string, init: RequestInit = {}): Promise<boolean> {
  const res = await fetch(url, {
    ...init,
    signal: AbortSignal.timeout(2000),
    tls: { rejectUnauthorized: false },
  } as RequestInit);
  await res.arrayBuffer();
  return res.status > 0;
}

/** The last lines of a service's log, for error messages. */
export function tail(path: string, lines = 8): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

export interface MemoryKb {
  rss: number;
  hwm: number;
}

export function memoryKb(pid: number): MemoryKb | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? Number.NaN);
    return { rss: field("VmRSS"), hwm: field("VmHWM") };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, ms) of `pid` and its direct children (nginx's workers). */
export function cpuMs(pid: number): number | undefined {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) };
  };
  try {
    let total = ticks(readFileSync(`/proc/${pid}/stat`, "utf8")).cpu;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry) || entry === String(pid)) continue;
      try {
        const t = ticks(readFileSync(`/proc/${entry}/stat`, "utf8"));
        if (t.ppid === pid) total += t.cpu;
      } catch {}
    }
    return total * 10; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

export function fdCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** What each non-socket descriptor points at ("anon_inode:[eventfd]", a path, "pipe:[...]"). */
export function otherFdTargets(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return `${fd} -> ${readlinkSync(`/proc/${pid}/fd/${fd}`)}`;
        } catch {
          return `${fd} -> ?`;
        }
      })
      .filter((l) => !l.includes("socket:["))
      .sort();
  } catch {
    return [];
  }
}

const TCP_STATES: Record<string, string> = {
  "01": "ESTABLISHED",
  "02": "SYN_SENT",
  "03": "SYN_RECV",
  "04": "FIN_WAIT1",
  "05": "FIN_WAIT2",
  "06": "TIME_WAIT",
  "07": "CLOSE",
  "08": "CLOSE_WAIT",
  "09": "LAST_ACK",
  "0A": "LISTEN",
  "0B": "CLOSING",
};

export interface SocketInfo {
  localPort: number;
  remotePort: number;
  state: string;
  /** Bytes received and not yet read by the process. */
  rxQueue: number;
}

/** The TCP sockets `pid` holds (IPv4 and IPv6), from /proc/net/tcp*; undefined once it is gone. */
export function socketsOf(pid: number): SocketInfo[] | undefined {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((x): x is string => x !== undefined),
    );
  } catch {
    return undefined;
  }
  const out: SocketInfo[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
      const port = (addr: string | undefined) => Number.parseInt(addr?.split(":").at(-1) ?? "0", 16);
      out.push({
        localPort: port(cols[1]),
        remotePort: port(cols[2]),
        state: TCP_STATES[cols[3] ?? ""] ?? cols[3] ?? "?",
        rxQueue: Number.parseInt(cols[4]?.split(":")[1] ?? "0", 16),
      });
    }
  }
  return out;
}
