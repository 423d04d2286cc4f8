// Shared by the deployment tests: where the repo and the compiled binary are, temp dirs, and
// staging `deploy/install.sh` into a directory (DESTDIR) instead of the real system.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
export const BIN = join(ROOT, "dist/sluice");

export function requireBinary(): void {
  if (!Bun.file(BIN).size) throw new Error(`${BIN} is missing: run "make build" (make test does it)`);
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));

export interface Ran {
  code: number;
  out: string;
  err: string;
}

export function run(cmd: string[], env: Record<string, string> = {}, cwd = ROOT): Ran {
  const p = Bun.spawnSync(cmd, {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode ?? 1, out: p.stdout.toString(), err: p.stderr.toString() };
}

const staged: string[] = [];

/**
 * Runs deploy/install.sh into a fresh DESTDIR; `before` may write files there first. The
 * installed "binary" is a two-line script that hands over to dist/sluice, so each staging
 * copies a few bytes instead of the 100 MB binary.
 */
export function stageInstall(before?: (destdir: string) => void): { destdir: string; result: Ran } {
  requireBinary();
  const destdir = tempDir("install");
  staged.push(destdir);
  const standIn = join(destdir, "sluice-stand-in");
  writeFileSync(standIn, `#!/bin/sh\nexec ${BIN} "$@"\n`);
  chmodSync(standIn, 0o755);
  before?.(destdir);
  const result = run(["bash", join(ROOT, "deploy/install.sh")], { DESTDIR: destdir, BINARY: standIn });
  return { destdir, result };
}

/** Removes every DESTDIR staged so far (call from afterAll). */
export function removeStaged(): void {
  for (const dir of staged.splice(0)) rmSync(dir, { recursive: true, force: true });
}
