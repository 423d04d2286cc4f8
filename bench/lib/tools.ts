// Finds or installs what the benchmarks compare against, at bench time only: wrk (apt-get, when
// missing), nginx (Debian's package unpacked into bench/.deps with dpkg -x, so no service is
// started or installed system-wide) and the Portkey gateway (npm, into bench/.deps). Promises:
// each returns either a ready tool or a reason it is skipped; nothing here throws.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type Tool<T> = { ok: true; value: T; version: string } | { ok: false; reason: string };

export const DEPS_DIR = join(import.meta.dir, "..", ".deps");

function run(cmd: string[], cwd?: string, env?: Record<string, string>): { code: number; out: string } {
  try {
    const r = Bun.spawnSync(cmd, {
      ...(cwd ? { cwd } : {}),
      env: { ...(process.env as Record<string, string>), ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
    return { code: r.exitCode ?? 1, out: `${r.stdout.toString()}${r.stderr.toString()}` };
  } catch (err) {
    return { code: 127, out: err instanceof Error ? err.message : String(err) };
  }
}

const which = (name: string): string | undefined => Bun.which(name) ?? undefined;
const lastLine = (s: string) => s.trim().split("\n").at(-1) ?? "";

/** Makes bench/.deps exist and keeps it out of git without touching .gitignore. */
export function depsDir(): string {
  mkdirSync(DEPS_DIR, { recursive: true });
  const ignore = join(DEPS_DIR, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "*\n");
  return DEPS_DIR;
}

let aptUpdated = false;
function aptInstall(pkg: string): string | undefined {
  if (process.getuid?.() !== 0)
    return `${pkg} is missing and installing it needs root (apt-get install ${pkg})`;
  if (!which("apt-get")) return `${pkg} is missing and there is no apt-get`;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  let r = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg], undefined, env);
  if (r.code !== 0 && !aptUpdated) {
    aptUpdated = true;
    run(["apt-get", "update", "-qq"], undefined, env);
    r = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg], undefined, env);
  }
  return r.code === 0 ? undefined : `apt-get install ${pkg} failed: ${lastLine(r.out)}`;
}

export function ensureWrk(): Tool<string> {
  if (!which("wrk")) {
    process.stderr.write("bench: installing wrk with apt-get\n");
    const problem = aptInstall("wrk");
    if (problem) return { ok: false, reason: problem };
  }
  const path = which("wrk");
  if (!path) return { ok: false, reason: "wrk not found after installing" };
  const version = /wrk\s+(\S+)/.exec(run([path, "-v"]).out)?.[1] ?? "?";
  return { ok: true, value: path, version: `wrk ${version}` };
}

/** An nginx binary: the system's, else Debian's package unpacked into bench/.deps/nginx. */
export function ensureNginx(): Tool<string> {
  let path = which("nginx");
  if (!path) {
    const root = join(depsDir(), "nginx");
    const unpacked = join(root, "usr", "sbin", "nginx");
    if (!existsSync(unpacked)) {
      if (!which("apt-get") || !which("dpkg"))
        return { ok: false, reason: "nginx missing and no apt-get/dpkg" };
      process.stderr.write("bench: fetching Debian's nginx package (apt-get download, dpkg -x)\n");
      mkdirSync(root, { recursive: true });
      let r = run(["apt-get", "download", "-qq", "nginx"], root);
      if (r.code !== 0 && process.getuid?.() === 0) {
        run(["apt-get", "update", "-qq"]);
        r = run(["apt-get", "download", "-qq", "nginx"], root);
      }
      const deb = readdirSync(root).find((f) => f.startsWith("nginx_") && f.endsWith(".deb"));
      if (!deb) return { ok: false, reason: `apt-get download nginx failed: ${lastLine(r.out)}` };
      const x = run(["dpkg", "-x", deb, "."], root);
      if (x.code !== 0) return { ok: false, reason: `dpkg -x failed: ${lastLine(x.out)}` };
    }
    path = unpacked;
  }
  const v = run([path, "-v"]);
  if (v.code !== 0) return { ok: false, reason: `nginx does not run: ${lastLine(v.out)}` };
  return { ok: true, value: path, version: lastLine(v.out).replace(/^nginx version:\s*/, "") };
}

export interface Portkey {
  script: string;
  node?: string;
}

/** @portkey-ai/gateway from npm into bench/.deps, run by Node (its published runtime) and Bun. */
export function ensurePortkey(): Tool<Portkey> {
  const dir = depsDir();
  const pkgDir = join(dir, "node_modules", "@portkey-ai", "gateway");
  const script = join(pkgDir, "build", "start-server.js");
  if (!existsSync(script)) {
    if (!which("npm")) return { ok: false, reason: "npm not found" };
    process.stderr.write("bench: npm install --prefix bench/.deps @portkey-ai/gateway\n");
    const r = run([
      "npm",
      "install",
      "--prefix",
      dir,
      "--no-save",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      "@portkey-ai/gateway",
    ]);
    if (r.code !== 0 || !existsSync(script)) {
      return { ok: false, reason: `npm install @portkey-ai/gateway failed: ${lastLine(r.out)}` };
    }
  }
  let version = "?";
  try {
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string };
    version = pkg.version;
  } catch {}
  const node = which("node");
  return {
    ok: true,
    value: { script, ...(node ? { node } : {}) },
    version: `@portkey-ai/gateway ${version}`,
  };
}

export function nodeVersion(node: string): string {
  return run([node, "--version"]).out.trim();
}
