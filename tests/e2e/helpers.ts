// Drives the compiled binary (dist/sluice) as a user would: real processes, real TLS with a
// cert the binary generated, and clients run by Node with NODE_EXTRA_CA_CERTS.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const ROOT = resolve(import.meta.dir, "../..");
export const BIN = join(ROOT, "dist/sluice");

export function requireBinary(): void {
  if (!Bun.file(BIN).size) throw new Error(`${BIN} is missing: run "make build" (make test does it)`);
}

const handedOut = new Set<number>();

/** A port nothing listens on now and that this test process has not handed out before. */
export async function freePort(): Promise<number> {
  for (;;) {
    const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const port = s.port!;
    await s.stop(true);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));

export interface Proc {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  output(): string;
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number>;
}

export function spawnBin(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Proc {
  const proc = Bun.spawn([BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    // No ledger unless a test names one: the binary runs in the repository's directory.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      SLUICE_DATABASE_URL: "off",
      ...opts.env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let text = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    const reader = s.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += dec.decode(value, { stream: true });
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  return {
    proc,
    output: () => text,
    async waitForOutput(re, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const m = re.exec(text);
        if (m) return m[0];
        if (proc.exitCode !== null) break;
        await Bun.sleep(20);
      }
      throw new Error(`no output matching ${re} (exit ${proc.exitCode}):\n${text}`);
    },
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null) proc.kill(signal);
      return await proc.exited;
    },
  };
}

export async function startMockBinary(extra: string[] = []): Promise<{ url: string; proc: Proc }> {
  const port = await freePort();
  const proc = spawnBin(["mock-upstream", "--port", String(port), ...extra]);
  await proc.waitForOutput(/listening/);
  return { url: `http://127.0.0.1:${port}`, proc };
}

export interface SluiceBinary {
  url: string;
  adminUrl?: string;
  cert: string;
  dir: string;
  proc: Proc;
  /** fetch that trusts the generated cert. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export async function startSluiceBinary(
  env: Record<string, string>,
  opts: { admin?: boolean } = {},
): Promise<SluiceBinary> {
  const dir = tempDir("e2e");
  const certs = Bun.spawnSync([BIN, "certs", "--dir", join(dir, "certs")]);
  if (certs.exitCode !== 0) throw new Error(`sluice certs failed: ${certs.stderr}`);
  const port = await freePort();
  const adminPort = opts.admin ? await freePort() : 0;
  const cert = join(dir, "certs/server.crt");
  const proc = spawnBin(["serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: dir,
    env: {
      SLUICE_DASHBOARD_PORT: String(adminPort),
      SLUICE_TLS_CERT: cert,
      SLUICE_TLS_KEY: join(dir, "certs/server.key"),
      SLUICE_LOG_FORMAT: "json",
      ...env,
    },
  });
  await proc.waitForOutput(/sluice listening/);
  const ca = await Bun.file(cert).text();
  const url = `https://127.0.0.1:${port}`;
  return {
    url,
    ...(adminPort ? { adminUrl: `http://127.0.0.1:${adminPort}` } : {}),
    cert,
    dir,
    proc,
    fetch: (path, init = {}) => fetch(url + path, { ...init, tls: { ca } } as RequestInit),
  };
}

/** Runs a client script under Node, trusting sluice's cert the way users are told to. */
export async function runNodeClient(script: string, env: Record<string, string>): Promise<unknown> {
  const proc = Bun.spawn(["node", join(ROOT, "tests/e2e/clients", script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`node ${script} exited ${code}:\n${err}\n${out}`);
  return JSON.parse(out);
}
