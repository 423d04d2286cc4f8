// scripts/release.sh (behind `make release`) for the host's target: an archive whose checksum
// is in SHA256SUMS, holding a binary that prints the version it was given and the deploy files.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, run, tempDir } from "./helpers.ts";

const out = tempDir("release");
afterAll(() => rmSync(out, { recursive: true, force: true }));

const arch = process.arch === "arm64" ? "arm64" : "x64";
const VERSION = "0.0.0-test.1";

describe("make release", () => {
  test("packs a binary that prints the baked-in version, with checksums", async () => {
    const r = run(["bash", "scripts/release.sh"], {
      BUN: process.execPath,
      RELEASE_DIR: out,
      RELEASE_TARGETS: `bun-linux-${arch}`,
      SLUICE_VERSION: VERSION,
    });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const name = `sluice-${VERSION}-linux-${arch}`;
    const archive = join(out, `${name}.tar.gz`);
    const sums = readFileSync(join(out, "SHA256SUMS"), "utf8");
    const digest = new Bun.CryptoHasher("sha256").update(await Bun.file(archive).arrayBuffer()).digest("hex");
    expect(sums).toBe(`${digest}  ${name}.tar.gz\n`);
    expect(run(["tar", "-xzf", archive, "-C", out]).code).toBe(0);
    expect(run([join(out, name, "sluice"), "--version"]).out).toBe(`sluice ${VERSION}\n`);
    for (const f of ["sluice.service", "install.sh", "sluice.toml.example", "sluice.env.example"]) {
      expect(await Bun.file(join(out, name, "deploy", f)).exists()).toBe(true);
    }
  }, 120_000);

  test("refuses a version that cannot be a file name", () => {
    const r = run(["bash", join(ROOT, "scripts/release.sh")], {
      BUN: process.execPath,
      RELEASE_DIR: out,
      SLUICE_VERSION: "1.0 beta/2",
    });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("unusable version");
  });
});
