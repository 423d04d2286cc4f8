// The systemd unit as installed (unit plus the installer's drop-in) passes
// `systemd-analyze verify` without a single warning, and keeps its promises: a dedicated user,
// no capabilities unless the port needs one, a stop timeout above the drain. systemd is
// installed with apt-get when missing; when it cannot be, the test skips (fails in CI).
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { needTool } from "../helpers/tools.ts";
import { ROOT, removeStaged, run, stageInstall } from "./helpers.ts";

afterAll(removeStaged);

function systemdAnalyze(): string | undefined {
  const have = () => Bun.which("systemd-analyze") ?? undefined;
  if (have()) return have();
  if (process.getuid?.() !== 0 || !Bun.which("apt-get")) return undefined;
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  if (run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "systemd"], env).code !== 0) {
    run(["apt-get", "update", "-qq"], env);
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "systemd"], env);
  }
  return have();
}

/** verify's complaints about our files: it exits 0 on unknown keys, so warnings count too. */
function verify(analyze: string, unit: string): string[] {
  const r = run([analyze, "verify", unit], { SYSTEMD_LOG_COLOR: "0" });
  const lines = `${r.out}\n${r.err}`.split("\n").filter((l) => l.includes("sluice"));
  return r.code === 0 ? lines : [`exit ${r.code}`, ...lines];
}

/** The staged unit, pointed at the staged binary so verify finds an executable. */
function stagedUnit(destdir: string): string {
  const unit = join(destdir, "etc/systemd/system/sluice.service");
  const text = readFileSync(unit, "utf8").replace(
    "/usr/local/bin/sluice",
    join(destdir, "usr/local/bin/sluice"),
  );
  writeFileSync(unit, text);
  return unit;
}

// Looked for (and installed when missing) before the tests are collected, so a machine without
// it skips the test, or fails it in CI, instead of passing it unrun.
const analyzer = systemdAnalyze();
const canVerify = needTool("systemd-analyze", analyzer !== undefined, "apt-get install -y systemd");

describe("systemd unit", () => {
  test.skipIf(!canVerify)(
    "passes systemd-analyze verify, with and without the low-port capability",
    () => {
      const analyze = analyzer!;
      const plain = stageInstall();
      expect(plain.result.code).toBe(0);
      expect(verify(analyze, stagedUnit(plain.destdir))).toEqual([]);

      const low = stageInstall((d) => {
        Bun.spawnSync(["mkdir", "-p", join(d, "etc/sluice")]);
        writeFileSync(join(d, "etc/sluice/sluice.env"), "SLUICE_PORT=443\n");
      });
      expect(low.result.code).toBe(0);
      expect(verify(analyze, stagedUnit(low.destdir))).toEqual([]);
    },
    180_000,
  );

  test("runs as its own user, with no capabilities, restarts on failure and outwaits the drain", () => {
    const unit = readFileSync(join(ROOT, "deploy/sluice.service"), "utf8");
    const value = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]);
    expect(value("User")).toEqual(["sluice"]);
    expect(value("CapabilityBoundingSet")).toEqual([""]);
    expect(value("AmbientCapabilities")).toEqual([""]);
    expect(value("NoNewPrivileges")).toEqual(["yes"]);
    expect(value("ProtectSystem")).toEqual(["strict"]);
    expect(value("Restart")).toEqual(["on-failure"]);
    expect(value("EnvironmentFile")).toEqual(["-/etc/sluice/sluice.env"]);
    // The default drain (SLUICE_SHUTDOWN_TIMEOUT) is 30 s.
    expect(Number.parseInt(value("TimeoutStopSec")[0] ?? "0", 10)).toBeGreaterThan(30);
  });
});
