// The team gateway through the compiled binary over TLS, as a newcomer uses it: `sluice keys
// new` prints a key and its stanza, the key works, its daily budget refuses once spent,
// `sluice usage` reads the ledger while sluice serves, SIGHUP adds a key, SIGTERM writes the
// last rows, and after a restart the spend (and so the refusal) is still there. A kill -9 keeps
// the rows already committed and loses at most the batch not yet written.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, requireBinary, startMockBinary, startSluiceBinary, tempDir } from "./helpers.ts";

const MSG = JSON.stringify({
  model: "claude-sonnet-4-5",
  max_tokens: 20,
  messages: [{ role: "user", content: "hi" }],
});

function newKey(name: string, ...flags: string[]): { key: string; stanza: string } {
  const r = Bun.spawnSync([BIN, "keys", "new", name, ...flags]);
  expect(r.exitCode).toBe(0);
  const out = r.stdout.toString();
  const key = /sk-sluice-[A-Za-z0-9_-]{43}/.exec(out)?.[0];
  const stanza = out.slice(out.indexOf("[[keys]]"));
  if (!key) throw new Error(`no key in: ${out}`);
  return { key, stanza };
}

function usage(
  dir: string,
  ...args: string[]
): { requests: number; groups: { group: string; requests: number }[] } {
  const r = Bun.spawnSync([BIN, "usage", "--format", "json", ...args], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      SLUICE_CONFIG: join(dir, "sluice.toml"),
      SLUICE_DATABASE_URL: `sqlite://${join(dir, "sluice.db")}`,
    },
  });
  if (r.exitCode !== 0) throw new Error(`sluice usage failed: ${r.stderr}`);
  const body = JSON.parse(r.stdout.toString()) as {
    totals: { requests: number };
    groups: { group: string; requests: number }[];
  };
  return { requests: body.totals.requests, groups: body.groups };
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

describe("team gateway (binary)", () => {
  test("keys new, budgets, sluice usage while serving, SIGHUP, SIGTERM and a restart", async () => {
    requireBinary();
    const mock = await startMockBinary();
    const dir = tempDir("gateway");
    const file = join(dir, "sluice.toml");
    const alice = newKey("alice", "--budget-usd-day", "0.000001");
    expect(alice.stanza).toContain('name = "alice"');
    expect(alice.stanza).toContain("budget_usd_day = 0.000001");
    expect(alice.stanza).not.toContain(alice.key);
    const bob = newKey("bob");
    writeFileSync(file, `anthropic_base_url = "${mock.url}"\n\n${alice.stanza}\n`);
    const env = { SLUICE_CONFIG: file, SLUICE_DATABASE_URL: `sqlite://${join(dir, "sluice.db")}` };
    let sluice = await startSluiceBinary(env);
    const ask = (key: string) =>
      sluice.fetch("/v1/messages", {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: MSG,
      });
    try {
      expect((await ask(alice.key)).status).toBe(200);
      const refused = await ask(alice.key);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("x-sluice-error")).toBe("budget_exceeded");
      expect((await ask(bob.key)).status).toBe(401);
      // The ledger is read by a second process while this one serves.
      const seen = await until("the rows in sluice usage", () => {
        try {
          const u = usage(dir);
          return u.requests >= 2 ? u : undefined;
        } catch {
          return undefined;
        }
      });
      expect(seen.groups).toEqual([expect.objectContaining({ group: "alice", requests: 2 })]);

      writeFileSync(file, `anthropic_base_url = "${mock.url}"\n\n${alice.stanza}\n\n${bob.stanza}\n`);
      sluice.proc.proc.kill("SIGHUP");
      await sluice.proc.waitForOutput(/configuration reloaded/);
      // The reload's log line counts the gate's keys, [[keys]] included.
      const reloaded = sluice.proc
        .output()
        .split("\n")
        .find((l) => l.includes("configuration reloaded"));
      expect(JSON.parse(reloaded!).api_keys).toBe(2);
      expect((await ask(bob.key)).status).toBe(200);
      // SIGTERM writes what the ledger still holds before exiting.
      expect(await sluice.proc.stop("SIGTERM")).toBe(0);
      expect(usage(dir).requests).toBe(3);

      sluice = await startSluiceBinary(env);
      const again = await ask(alice.key);
      expect(again.status).toBe(429);
      expect(again.headers.get("x-sluice-error")).toBe("budget_exceeded");
      expect((await ask(bob.key)).status).toBe(200);
    } finally {
      await sluice.proc.stop();
      await mock.proc.stop();
    }
  }, 60_000);

  test("a kill -9 keeps the rows already written, loses at most the unwritten last batch, and the file stays usable", async () => {
    requireBinary();
    const mock = await startMockBinary();
    const dir = tempDir("gateway-kill");
    writeFileSync(join(dir, "sluice.toml"), `anthropic_base_url = "${mock.url}"\n`);
    const env = {
      SLUICE_CONFIG: join(dir, "sluice.toml"),
      SLUICE_DATABASE_URL: `sqlite://${join(dir, "sluice.db")}`,
    };
    const calls = async (s: Awaited<ReturnType<typeof startSluiceBinary>>, n: number) => {
      for (let i = 0; i < n; i++) {
        const r = await s.fetch("/v1/messages", {
          method: "POST",
          headers: { "x-api-key": "sk-ant-test", "content-type": "application/json" },
          body: MSG,
        });
        expect(r.status).toBe(200);
      }
    };
    const count = () => {
      try {
        return usage(dir).requests;
      } catch {
        return undefined;
      }
    };
    let sluice = await startSluiceBinary(env);
    try {
      await calls(sluice, 10);
      // The writer commits about once a second while serving.
      await until("10 rows written while serving", () => ((count() ?? 0) >= 10 ? true : undefined), 5000);
      await calls(sluice, 5);
      sluice.proc.proc.kill("SIGKILL");
      expect(await sluice.proc.proc.exited).not.toBe(0);
      const after = count();
      expect(after).toBeGreaterThanOrEqual(10);
      expect(after).toBeLessThanOrEqual(15);

      // A restart opens the same file (its WAL recovered) and goes on recording.
      sluice = await startSluiceBinary(env);
      await calls(sluice, 3);
      expect(await sluice.proc.stop("SIGTERM")).toBe(0);
      expect(count()).toBe((after ?? 0) + 3);
    } finally {
      await sluice.proc.stop();
      await mock.proc.stop();
    }
  }, 60_000);

  test("sluice check warns about a plain key and names every bad [[keys]] field at once", () => {
    requireBinary();
    const dir = tempDir("gateway-check");
    const file = join(dir, "sluice.toml");
    const check = () =>
      Bun.spawnSync([BIN, "check", "--offline", "--config", file], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", SLUICE_DATABASE_URL: "sqlite://sluice.db" },
      });
    writeFileSync(file, '[[keys]]\nname = "carol"\nkey = "sk-plain-CANARY"\nbudget_usd_day = 5\n');
    const ok = check();
    expect(ok.exitCode).toBe(0);
    const out = ok.stdout.toString();
    expect(out).toContain('warning: key "carol" is written in plain text');
    expect(out).toContain("key carol: plain key $5/day");
    expect(out).toMatch(/ledger: sqlite \/.*sluice\.db, retention 90 days/);
    expect(out).not.toContain("CANARY");
    writeFileSync(
      file,
      '[[keys]]\nname = "a"\nkey_sha256 = "xyz"\nbudget_usd_month = -3\n\n[[keys]]\nname = "a"\nkey = "k"\nrpm = 5\n',
    );
    const bad = check();
    expect(bad.exitCode).toBe(1);
    const text = bad.stdout.toString();
    for (const field of [
      "keys.0.key_sha256",
      "keys.0.budget_usd_month",
      "rpm",
      'keys[1].name: "a" is already used',
    ]) {
      expect(text).toContain(field);
    }
    const serve = Bun.spawnSync([BIN, "serve", "--config", file], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(serve.exitCode).toBe(2);
    expect(serve.stderr.toString()).toContain("keys.0.key_sha256");
  });
});
