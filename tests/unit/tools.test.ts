// A test whose tool is missing skips locally and fails in CI (CI=true), so CI's green means the
// browser, systemd and curl tests ran.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const FIXTURE = join(import.meta.dir, "../fixtures/tools/needs-missing-tool.ts");

function runFixture(ci: string | undefined) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
  if (ci !== undefined) env.CI = ci;
  const p = Bun.spawnSync([process.execPath, "test", FIXTURE], { env, stdout: "pipe", stderr: "pipe" });
  return { code: p.exitCode, out: `${p.stdout.toString()}${p.stderr.toString()}` };
}

describe("a missing tool", () => {
  test("skips its tests outside CI, saying how to install it", () => {
    const r = runFixture(undefined);
    expect(r.code).toBe(0);
    expect(r.out).toContain("sluice-no-such-tool is missing (nowhere): skipping the tests that need it");
    expect(r.out).toMatch(/^ *1 skip$/m);
    expect(r.out).toMatch(/^ *0 fail$/m);
  });

  test("fails the run when CI=true", () => {
    const r = runFixture("true");
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("(fail) sluice-no-such-tool is installed");
    expect(r.out).toMatch(/^ *1 fail$/m);
  });
});
