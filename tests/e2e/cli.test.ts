// The binary's commands, as a user types them.
import { describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, freePort, requireBinary, spawnBin, tempDir } from "./helpers.ts";

const run = (args: string[], env: Record<string, string> = {}, cwd?: string) => {
  requireBinary();
  const p = Bun.spawnSync([BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    ...(cwd ? { cwd } : {}),
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
};

describe("sluice CLI", () => {
  test("--version and --help", () => {
    expect(run(["--version"]).out).toMatch(/^sluice \d+\.\d+\.\d+/);
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    for (const word of [
      "serve",
      "certs",
      "mock-upstream",
      "check",
      "keys new",
      "usage",
      "NODE_EXTRA_CA_CERTS",
    ])
      expect(help.out).toContain(word);
  });

  test("a bad configuration stops start-up with one message naming every bad setting", () => {
    const r = run(["serve"], { SLUICE_PORT: "eighty", SLUICE_RETRY_MAX: "-1", SLUICE_LOG_LEVEL: "loud" });
    expect(r.code).toBe(2);
    expect(r.err).toContain("SLUICE_PORT");
    expect(r.err).toContain("SLUICE_RETRY_MAX");
    expect(r.err).toContain("SLUICE_LOG_LEVEL");
  });

  test("unknown commands and flags are refused", () => {
    expect(run(["serv"]).code).toBe(2);
    expect(run(["serve", "--prot", "1"]).err).toContain("unknown flag --prot");
  });

  test("certs writes a pair once and prints how to trust it", () => {
    const dir = tempDir("certs");
    const r = run(["certs", "--dir", dir, "--host", "sluice.internal"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("NODE_EXTRA_CA_CERTS");
    expect(r.out).toContain("sluice.internal");
    expect(existsSync(join(dir, "server.key"))).toBe(true);
    expect(run(["certs", "--dir", dir]).out).toContain("already exist");
  });

  test("check prints effective settings with secrets redacted and probes upstreams", async () => {
    const port = await freePort();
    const mock = spawnBin(["mock-upstream", "--port", String(port)]);
    await mock.waitForOutput(/listening/);
    const up = `http://127.0.0.1:${port}`;
    const r = run(["check", "--no-tls"], {
      SLUICE_ANTHROPIC_BASE_URL: up,
      SLUICE_OPENAI_BASE_URL: up,
      SLUICE_GEMINI_BASE_URL: up,
      SLUICE_ANTHROPIC_API_KEY: "sk-ant-SECRET-VALUE",
    });
    await mock.stop();
    expect(r.out).not.toContain("SECRET-VALUE");
    expect(r.out).toContain("(set, redacted)");
    expect(r.out).toContain("upstream anthropic");
    expect(r.out).toContain("configuration OK");
    expect(r.code).toBe(0);
    const down = run(["check", "--no-tls"], { SLUICE_ANTHROPIC_BASE_URL: up, SLUICE_CONNECT_TIMEOUT: "1" });
    expect(down.code).toBe(1);
    expect(down.out).toContain("UNREACHABLE");
  });

  test("check lists providers and routes with their caps", () => {
    const dir = tempDir("check-routes");
    writeFileSync(
      join(dir, "sluice.toml"),
      `[providers.local]\npreset = "ollama"\nthink_tags = "open"\nmax_tokens = 4096\n\n` +
        `[[routes]]\nmatch = "claude-haiku-*"\nprovider = "local"\nmodel = "qwen3:8b"\nmax_tokens = 2048\n`,
    );
    const r = run(["check", "--no-tls", "--config", join(dir, "sluice.toml")], {}, dir);
    expect(r.out).toContain("provider local: ollama http://127.0.0.1:11434/v1 (openai format)");
    expect(r.out).toContain("max_tokens 4096 think_tags open");
    expect(r.out).toContain("route claude-haiku-* -> local as qwen3:8b max_tokens 2048");
  });

  test("first start generates the default cert pair and says how to trust it", async () => {
    const dir = tempDir("first");
    const port = await freePort();
    const p = spawnBin(["serve", "--host", "127.0.0.1", "--port", String(port), "--dashboard-port", "0"], {
      cwd: dir,
    });
    await p.waitForOutput(/sluice listening/);
    expect(existsSync(join(dir, "certs/server.crt"))).toBe(true);
    expect(p.output()).toContain("NODE_EXTRA_CA_CERTS");
    const ca = await Bun.file(join(dir, "certs/server.crt")).text();
    const r = await fetch(`https://localhost:${port}/health`, { tls: { ca } } as RequestInit);
    expect((await r.json()).status).toBe("ok");
    expect(await p.stop()).toBe(0);
  });

  test("a second sluice on a taken port refuses to start instead of sharing it", async () => {
    const dir = tempDir("taken");
    const port = await freePort();
    const args = ["serve", "--host", "127.0.0.1", "--port", String(port), "--dashboard-port", "0"];
    const first = spawnBin(args, { cwd: dir });
    await first.waitForOutput(/sluice listening/);
    const second = run(args, {}, dir);
    expect(second.code).toBe(1);
    expect(second.out + second.err).toContain(`port ${port} in use`);
    expect(await first.stop()).toBe(0);
  });
});
