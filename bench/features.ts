// `bun bench/features.ts NAME=VARIANT[+keys][@BINARY] ...`: what a default-on feature costs, as
// A/B rounds of sluice binaries or variants (bench/lib/sluice-target.ts) against one mock
// upstream, interleaved (a, b, a, b ...) so the load of a shared machine falls on every side.
// Each round records the process's CPU time per request (user + system of all its threads, from
// /proc: the ledger's worker thread counts) and its throughput, at 64 connections, for JSON
// answers and short SSE streams. Prints every round, the medians, and each target's median
// paired difference to the first one. `+keys` adds a [[keys]] entry with budgets and limits
// that never refuse and sends its key, so the gateway's per-call bookkeeping runs.
// Knobs: FEATURES_ROUNDS (6), FEATURES_SECONDS (3), FEATURES_SHAPES (json,sse).
// Promises: loopback only; stops what it started; prints figures, never fails on them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256Hex } from "../src/config/keys.ts";
import { startCollector } from "./lib/collector.ts";
import { withFetchLimit } from "./lib/machine.ts";
import { answers, freePort, spawnService, waitUntil } from "./lib/procs.ts";
import { JSON_SHAPE, type LoadShape } from "./lib/request.ts";
import { SLUICE_VARIANTS, type SluiceVariant, startSluice } from "./lib/sluice-target.ts";
import { median } from "./lib/stats.ts";
import type { BenchEnv, Target } from "./lib/targets.ts";
import { ensureWrk } from "./lib/tools.ts";
import { SSE_SHAPE, withCpu } from "./scenarios/nonstream.ts";

await withFetchLimit();

const ROOT = join(import.meta.dir, "..");
const ROUNDS = Number(process.env.FEATURES_ROUNDS ?? 6);
const SECONDS = Number(process.env.FEATURES_SECONDS ?? 3);
const say = (s: string) => process.stderr.write(`bench-features: ${s}\n`);
const KEY = "sk-bench-features";
const KEYS_TOML = `[[keys]]\nname = "bench"\nkey_sha256 = "${sha256Hex(KEY)}"\nbudget_usd_day = 1000000\nbudget_usd_month = 1000000\nrequests_per_minute = 100000000\ntokens_per_minute = 100000000000\n`;

interface Spec {
  name: string;
  variant: SluiceVariant;
  keys: boolean;
  binary: string;
}

function parse(arg: string): Spec {
  const [name = "", rest = ""] = arg.includes("=") ? arg.split("=", 2) : [arg, arg];
  const [what = "", binary] = rest.split("@");
  const [variant = "", extra] = what.split("+");
  if (!(variant in SLUICE_VARIANTS)) throw new Error(`unknown variant ${variant} in ${arg}`);
  return {
    name,
    variant: variant as SluiceVariant,
    keys: extra === "keys",
    binary: resolve(binary ?? join(ROOT, "dist", "sluice")),
  };
}

const specs = (process.argv.length > 2 ? process.argv.slice(2) : ["defaults", "no-ledger"]).map(parse);
const wrk = ensureWrk();
if (!wrk.ok) {
  say(`wrk is needed: ${wrk.reason}`);
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), "sluice-features-"));
const stops: (() => Promise<void> | void)[] = [];
try {
  const mockPort = freePort();
  const mock = spawnService(
    "mock",
    [process.execPath, join(ROOT, "src/index.ts"), "mock-upstream", "--port", String(mockPort)],
    { logDir: tmp },
  );
  stops.push(() => mock.stop());
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  if ((await waitUntil(() => answers(`${mockUrl}/__mock/requests`), 10_000)) === undefined)
    throw new Error("the mock upstream did not start");
  const collector = startCollector();
  stops.push(() => collector.stop());
  const keysFile = join(tmp, "keys.toml");
  writeFileSync(keysFile, KEYS_TOML);
  const base: BenchEnv = {
    sluice: specs[0]!.binary,
    bun: process.execPath,
    mockPort,
    mockUrl,
    tmp,
    certs: { cert: join(tmp, "server.crt"), key: join(tmp, "server.key") },
    collectorUrl: collector.url,
  };
  Bun.spawnSync([base.sluice, "certs", "--dir", tmp], { stdout: "ignore" });
  const targets: Target[] = [];
  for (const s of specs) {
    const t = await startSluice(
      { ...base, sluice: s.binary },
      s.variant,
      s.keys ? { SLUICE_CONFIG: keysFile } : {},
    );
    stops.push(() => t.stop());
    targets.push({ ...t, id: s.name, label: s.name, headers: s.keys ? { "x-api-key": KEY } : {} });
  }
  const o = { wrk: wrk.value, tmp, seconds: SECONDS, warmSeconds: 1 };
  const shapes = (
    [
      ["json", JSON_SHAPE],
      ["sse", SSE_SHAPE],
    ] as [string, LoadShape][]
  ).filter(([s]) => (process.env.FEATURES_SHAPES ?? "json,sse").split(",").includes(s));
  const cpu = new Map<string, number[]>();
  const rps = new Map<string, number[]>();
  for (const t of targets) for (const [, shape] of shapes) await withCpu(t, o, 8, 1, shape);
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate the order too, so neither side always runs first in a round.
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const t of order) {
      for (const [s, shape] of shapes) {
        const r = await withCpu(t, o, 64, SECONDS, shape);
        if ("error" in r) throw new Error(`${t.label} ${s}: ${r.error}`);
        const key = `${t.id}/${s}`;
        cpu.set(key, [...(cpu.get(key) ?? []), r.cpuUs ?? Number.NaN]);
        rps.set(key, [...(rps.get(key) ?? []), r.result.rps]);
      }
    }
    say(`round ${round}/${ROUNDS} done (load ${(await Bun.file("/proc/loadavg").text()).split(" ")[0]})`);
  }
  const lines: string[] = [];
  for (const [s] of shapes) {
    const first = targets[0]!.id;
    for (const t of targets) {
      const c = cpu.get(`${t.id}/${s}`) ?? [];
      const q = rps.get(`${t.id}/${s}`) ?? [];
      const c0 = cpu.get(`${first}/${s}`) ?? [];
      const q0 = rps.get(`${first}/${s}`) ?? [];
      const dc = median(c.map((x, i) => x - (c0[i] ?? Number.NaN)));
      const dq = median(q.map((x, i) => x / (q0[i] ?? Number.NaN) - 1));
      lines.push(
        `${s.padEnd(5)}${t.label.padEnd(16)} CPU µs/req ${median(c).toFixed(1).padStart(6)} [${c
          .map((x) => x.toFixed(0))
          .join(" ")}]  req/s ${Math.round(median(q)).toString().padStart(5)} [${q
          .map((x) => Math.round(x))
          .join(" ")}]${
          t.id === first
            ? ""
            : `  vs ${first}: ${dc >= 0 ? "+" : ""}${dc.toFixed(1)} µs, ${(dq * 100).toFixed(1)}% req/s`
        }`,
      );
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
