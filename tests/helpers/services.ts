// Real PostgreSQL and Redis for the tests, from Debian's packages (make test installs them
// when missing): each one is started by the test that needs it as an unprivileged process
// (both refuse to run as root, and CI runs as root) on a free 127.0.0.1 port with a temp data
// directory, and stopped by its PID. Start-up waits for the server's own "ready" line.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../e2e/helpers.ts";

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** The newest /usr/lib/postgresql/<version>/bin, where Debian keeps the server binaries. */
export function postgresBin(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : undefined;
}

export const hasPostgres = postgresBin() !== undefined;
export const hasRedis = spawnSync("sh", ["-c", "command -v redis-server"]).status === 0;

/** The command line, run as `nobody` when the tests run as root. */
const unprivileged = (argv: string[]) =>
  asRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", ...argv] : argv;

function ownedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
  return dir;
}

export interface Service {
  url: string;
  port: number;
  /** PID of the server process. */
  pid(): number;
  /** Kills the server at once (SIGKILL to it and its children), like a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  stop(): Promise<void>;
}

async function waitForLine(
  proc: Subprocess<"ignore", "pipe", "pipe">,
  re: RegExp,
  what: string,
): Promise<void> {
  let text = "";
  let seen = () => {};
  const found = new Promise<true>((resolve) => {
    seen = () => resolve(true);
  });
  // Both pipes are read for as long as the server lives, so it never blocks on a full pipe.
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    const reader = s.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (text.length < 100_000) text += dec.decode(value, { stream: true });
      if (re.test(text)) seen();
    }
  };
  void pump(proc.stdout).catch(() => undefined);
  void pump(proc.stderr).catch(() => undefined);
  const timeout = Bun.sleep(20_000).then(() => "timeout" as const);
  const r = await Promise.race([found, proc.exited.then(() => "exited" as const), timeout]);
  if (r !== true) throw new Error(`${what} did not start (${r}):\n${text}`);
}

function childrenOf(pid: number): number[] {
  const r = spawnSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" });
  return (r.stdout ?? "")
    .split("\n")
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

function managed(
  start: () => Promise<Subprocess<"ignore", "pipe", "pipe">>,
  dir: string,
  url: string,
  port: number,
): Promise<Service> {
  let proc: Subprocess<"ignore", "pipe", "pipe"> | undefined;
  const kill = async () => {
    if (!proc || proc.exitCode !== null) return;
    const kids = childrenOf(proc.pid);
    proc.kill("SIGKILL");
    for (const k of kids) {
      try {
        process.kill(k, "SIGKILL");
      } catch {}
    }
    await proc.exited;
    // Children are gone once they no longer answer signal 0.
    for (const k of kids) {
      for (let i = 0; i < 200; i++) {
        try {
          process.kill(k, 0);
          await Bun.sleep(10);
        } catch {
          break;
        }
      }
    }
  };
  const svc: Service = {
    url,
    port,
    pid: () => proc?.pid ?? 0,
    kill,
    async restart() {
      await kill();
      proc = await start();
    },
    async stop() {
      if (proc && proc.exitCode === null) {
        proc.kill("SIGINT");
        const done = await Promise.race([proc.exited, Bun.sleep(5000).then(() => "late")]);
        if (done === "late") await kill();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return start().then((p) => {
    proc = p;
    return svc;
  });
}

/** A fresh PostgreSQL cluster (trust auth, user and database "sluice"), fsync off for speed. */
export async function startPostgres(): Promise<Service> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed (apt-get install postgresql)");
  const dir = ownedTempDir("pg");
  const data = join(dir, "data");
  const init = spawnSync(
    unprivileged([
      join(bin, "initdb"),
      "-D",
      data,
      "-U",
      "sluice",
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-sync",
    ])[0]!,
    unprivileged([
      join(bin, "initdb"),
      "-D",
      data,
      "-U",
      "sluice",
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-sync",
    ]).slice(1),
    { encoding: "utf8" },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const start = async () => {
    const proc = Bun.spawn(
      unprivileged([
        join(bin, "postgres"),
        "-D",
        data,
        "-p",
        String(port),
        "-h",
        "127.0.0.1",
        "-k",
        dir,
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
      ]),
      { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
    );
    await waitForLine(proc, /ready to accept connections/, "postgres");
    return proc;
  };
  const svc = await managed(start, dir, `postgres://sluice@127.0.0.1:${port}/postgres`, port);
  return svc;
}

export async function startRedis(): Promise<Service> {
  if (!hasRedis) throw new Error("redis-server is not installed (apt-get install redis-server)");
  const dir = ownedTempDir("redis");
  const port = await freePort();
  const start = async () => {
    const proc = Bun.spawn(
      unprivileged([
        "redis-server",
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "no",
      ]),
      { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
    );
    await waitForLine(proc, /Ready to accept connections/, "redis");
    return proc;
  };
  return managed(start, dir, `redis://127.0.0.1:${port}`, port);
}
