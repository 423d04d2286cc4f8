// CPU per request and throughput at 64 connections, interleaved: every target gets the same
// short load in turn, round after round, and the medians over the rounds are kept. One pass per
// row let a slow spell of the shared VM decide a feature's cost (the ledger row once read -40%,
// where interleaved runs put it at 0-15%), so the CPU goal and the feature costs of issue 14 are
// judged on these. Used by make bench (bench/run.ts) and make bench-cpu (bench/cpu.ts).
// Promises: the caller starts and stops the targets; figures, never assertions.
import type { LoadShape } from "../lib/request.ts";
import { median } from "../lib/stats.ts";
import type { Target } from "../lib/targets.ts";
import { type NonStreamOptions, withCpu } from "./nonstream.ts";

export type ShapeName = "json" | "sse";

export interface CpuRow {
  id: string;
  label: string;
  shape: ShapeName;
  /** Medians over the rounds. */
  cpuUs: number;
  rps: number;
  /** Every round's figures, in round order. */
  cpuUsRounds: number[];
  rpsRounds: number[];
}

export interface InterleavedCpuResult {
  rounds: number;
  secondsPerRound: number;
  rows: CpuRow[];
  error?: string;
}

export interface InterleavedCpuOptions extends NonStreamOptions {
  rounds: number;
  shapes: [ShapeName, LoadShape][];
  /** Told after each round (progress). */
  onRound?: (round: number) => void | Promise<void>;
}

export async function interleavedCpu(
  targets: Target[],
  o: InterleavedCpuOptions,
): Promise<InterleavedCpuResult> {
  const out: InterleavedCpuResult = { rounds: o.rounds, secondsPerRound: o.seconds, rows: [] };
  // By shape, then target: the order the tables print.
  const cells = o.shapes.flatMap(([s, shape]) =>
    targets.map((t) => ({ t, s, shape, cpuUsRounds: [] as number[], rpsRounds: [] as number[] })),
  );
  try {
    for (const c of cells) await withCpu(c.t, o, 8, o.warmSeconds, c.shape);
    for (let round = 1; round <= o.rounds; round++) {
      for (const t of targets) {
        for (const c of cells.filter((x) => x.t === t)) {
          const r = await withCpu(t, o, 64, o.seconds, c.shape);
          if ("error" in r) throw new Error(`${t.label} ${c.s}: ${r.error}`);
          c.cpuUsRounds.push(r.cpuUs ?? Number.NaN);
          c.rpsRounds.push(r.result.rps);
        }
      }
      await o.onRound?.(round);
    }
  } catch (err) {
    out.error = (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
    return out;
  }
  out.rows = cells.map(({ t, s, cpuUsRounds, rpsRounds }) => ({
    id: t.id,
    label: t.label,
    shape: s,
    cpuUs: median(cpuUsRounds),
    rps: median(rpsRounds),
    cpuUsRounds,
    rpsRounds,
  }));
  return out;
}
