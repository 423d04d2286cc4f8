// `make bench-cpu` (bun bench/cpu.ts [target ...]): the proxy's own CPU time per request, the
// figure that guides optimisation on a shared machine. Wall-clock throughput moves with whatever
// else runs; the CPU a process spends per request (user + system, from /proc) moves much less.
// Runs the bare Bun proxy, the same routed by Elysia, and sluice variants (sluice-target.ts) in
// interleaved rounds, JSON answers and short SSE streams at 64 connections, and prints the
// median per target and its ratio to the bare Bun proxy.
// Knobs: CPU_ROUNDS (5), CPU_SECONDS (3), SLUICE_SOURCE=1 (run src/index.ts with Bun instead of
// dist/sluice), CPU_SHAPES=json,sse, a target "defaults@other/src/index.ts" (that source tree),
// CPU_PROF=DIR (implies SLUICE_SOURCE: sluice writes a .cpuprofile there on exit).
// Promises: loopback only; stops what it started; prints figures, never fails on them.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startCollector } from "./lib/collector.ts";
import { withFetchLimit } from "./lib/machine.ts";
import { answers, freePort, spawnService, waitUntil } from "./lib/procs.ts";
import { JSON_SHAPE, type LoadShape } from "./lib/request.ts";
import { SLUICE_VARIANTS, type SluiceVariant, startSluice } from "./lib/sluice-target.ts";
import { type BenchEnv, startBareBun, type Target } from "./lib/targets.ts";
import { ensureWrk } from "./lib/tools.ts";
import { interleavedCpu, type ShapeName } from "./scenarios/interleaved-cpu.ts";
import { SSE_SHAPE } from "./scenarios/nonstream.ts";

await withFetchLimit();

const ROOT = join(import.meta.dir, "..");
const ROUNDS = Number(process.env.CPU_ROUNDS ?? 5);
const SECONDS = Number(process.env.CPU_SECONDS ?? 3);
const PROF = process.env.CPU_PROF ? resolve(process.env.CPU_PROF) : undefined;
const SOURCE = process.env.SLUICE_SOURCE === "1" || PROF !== undefined;
const names = process.argv.slice(2);
const wanted = names.length > 0 ? names : ["bare-bun", "bare-elysia", "defaults", "warn"];
const say = (s: string) => process.stderr.write(`bench-cpu: ${s}\n`);

const wrk = ensureWrk();
if (!wrk.ok) {
  say(`wrk is needed: ${wrk.reason}`);
  process.exit(1);
}
const sluice = process.env.SLUICE_BIN ?? join(ROOT, "dist", "sluice");
const tmp = mkdtempSync(join(tmpdir(), "sluice-cpu-"));
const stops: (() => Promise<void> | void)[] = [];
try {
  const mockPort = freePort();
  const mock = spawnService(
    "mock",
    [process.execPath, join(ROOT, "src/index.ts"), "mock-upstream", "--port", String(mockPort)],
    {
      logDir: tmp,
    },
  );
  stops.push(() => mock.stop());
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  if ((await waitUntil(() => answers(`${mockUrl}/__mock/requests`), 10_000)) === undefined)
    throw new Error("the mock upstream did not start");
  const collector = startCollector();
  stops.push(() => collector.stop());
  if (PROF) mkdirSync(PROF, { recursive: true });
  const env: BenchEnv = {
    sluice,
    bun: process.execPath,
    mockPort,
    mockUrl,
    tmp,
    certs: { cert: join(tmp, "server.crt"), key: join(tmp, "server.key") },
    collectorUrl: collector.url,
    ...(SOURCE
      ? {
          sluiceCommand: [
            process.execPath,
            ...(PROF ? ["--cpu-prof", `--cpu-prof-dir=${PROF}`, "--cpu-prof-interval=250"] : []),
            join(ROOT, "src/index.ts"),
          ],
        }
      : {}),
  };
  Bun.spawnSync([...(env.sluiceCommand ?? [sluice]), "certs", "--dir", tmp], { stdout: "ignore" });

  const targets: Target[] = [];
  for (const [i, spec] of wanted.entries()) {
    // "variant@path/to/index.ts" runs that source tree instead: A/B runs of a change, interleaved.
    const [name = "", entry] = spec.split("@");
    const t =
      name === "bare-bun" || name === "bare-elysia"
        ? await startBareBun(env, name)
        : name in SLUICE_VARIANTS
          ? await startSluice(
              entry ? { ...env, sluiceCommand: [process.execPath, resolve(entry)] } : env,
              name as SluiceVariant,
            )
          : undefined;
    if (!t)
      throw new Error(
        `unknown target ${name} (bare-bun, bare-elysia, ${Object.keys(SLUICE_VARIANTS).join(", ")})`,
      );
    stops.push(() => t.stop());
    targets.push(entry ? { ...t, id: `${t.id}-${i}`, label: `${t.label} (${entry})` } : t);
  }
  const shapes = (
    [
      ["json", JSON_SHAPE],
      ["sse", SSE_SHAPE],
    ] as [ShapeName, LoadShape][]
  ).filter(([s]) => (process.env.CPU_SHAPES ?? "json,sse").split(",").includes(s));
  const result = await interleavedCpu(targets, {
    wrk: wrk.value,
    tmp,
    seconds: SECONDS,
    warmSeconds: 1,
    rounds: ROUNDS,
    shapes,
    onRound: async (round) => {
      say(`round ${round}/${ROUNDS} done (load ${(await Bun.file("/proc/loadavg").text()).split(" ")[0]})`);
    },
  });
  if (result.error) throw new Error(result.error);
  const lines = [
    "target                                              shape   CPU µs/req (median)  vs bare Bun   req/s (median)",
  ];
  for (const [s] of shapes) {
    const rows = result.rows.filter((r) => r.shape === s);
    const base = rows.find((r) => r.id === "bare-bun")?.cpuUs;
    for (const r of rows) {
      const ratio = base !== undefined && Number.isFinite(base) ? `${(r.cpuUs / base).toFixed(2)}x` : "n/a";
      lines.push(
        `${r.label.padEnd(52)}${s.padEnd(8)}${r.cpuUs.toFixed(1).padStart(19)}  ${ratio.padStart(11)}  ${Math.round(
          r.rps,
        )
          .toString()
          .padStart(15)}`,
      );
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
  if (PROF) say(`profiles in ${PROF}`);
}
