// `make soak`: a bounded soak of the compiled binary on loopback. SOAK_STREAMS (300) clients
// loop for SOAK_SECONDS (120) over long streams, streams they abandon midway, streams the
// upstream cuts (x-mock-reset-after) and plain requests, while sluice's memory, descriptors and
// sockets are sampled every second. Promises: exits non-zero when a request hangs or ends
// wrongly, when sluice's count of requests differs from the clients', or when descriptors or
// upstream sockets do not return to baseline (idle sockets in Bun's keep-alive pool, at most
// 64, excepted); prints the figures and writes bench/output/soak.json. Memory is reported.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withFetchLimit } from "./lib/machine.ts";
import { answers, freePort, otherFdTargets, spawnService, waitUntil } from "./lib/procs.ts";
import { BASE_HEADERS, MESSAGES_PATH, messagesBody, streamKnobs } from "./lib/request.ts";
import { type Sample, sampleOnce, startSampler } from "./lib/sampler.ts";
import { startSluice } from "./lib/sluice-target.ts";
import { HANG_GRACE_MS, plan, run, Tally } from "./lib/soak-mix.ts";
import { streamOnce } from "./lib/sse-client.ts";
import { median } from "./lib/stats.ts";
import type { BenchEnv } from "./lib/targets.ts";

await withFetchLimit();

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const STREAMS = Number(process.env.SOAK_STREAMS ?? 300);
/** Idle keep-alive sockets Bun keeps per process (measured: 64, kept while the upstream allows). */
const POOL_CAP = 64;
const say = (s: string) => process.stdout.write(`soak: ${s}\n`);
const mib = (kb: number | undefined) => (kb === undefined ? "n/a" : `${(kb / 1024).toFixed(1)} MiB`);

const root = join(import.meta.dir, "..");
const sluice = process.env.SLUICE_BIN ?? join(root, "dist", "sluice");
const tmp = mkdtempSync(join(tmpdir(), "sluice-soak-"));
const mockPort = freePort();
const mock = spawnService("mock-upstream", [sluice, "mock-upstream", "--port", String(mockPort)], {
  logDir: tmp,
});
const env: BenchEnv = {
  sluice,
  bun: process.execPath,
  mockPort,
  mockUrl: `http://127.0.0.1:${mockPort}`,
  tmp,
  certs: { cert: "", key: "" },
};
let exitCode = 1;
try {
  if ((await waitUntil(() => answers(`${env.mockUrl}/__mock/requests`), 10_000)) === undefined) {
    throw new Error("mock upstream did not start");
  }
  const target = await startSluice(env, "defaults");
  const pid = target.pid!;
  const listenPort = Number(new URL(target.url).port);
  const totals = async () => {
    const res = await fetch(`${target.adminUrl}/metrics`);
    const m = (await res.json()) as { totals?: { requests?: number; inFlight?: number } };
    return { requests: m.totals?.requests ?? Number.NaN, inFlight: m.totals?.inFlight ?? Number.NaN };
  };
  try {
    // Warm-up with every kind of request, so what sluice opens lazily (its log stream on the
    // first warning ...) is part of the baseline.
    for (let i = 0; i < 20; i++)
      await streamOnce({ url: target.url, headers: streamKnobs(5, 0), keepalive: false });
    const warm = [
      { kind: "plain", events: 1, gapMs: 0, deadlineMs: 10_000 },
      { kind: "client-abort", events: 20, gapMs: 10, abortAfterMs: 50, deadlineMs: 10_000 },
      { kind: "upstream-reset", events: 20, gapMs: 5, resetAfter: 3, deadlineMs: 10_000 },
    ] as const;
    for (const p of warm) await run(target.url, p);
    // An upstream 500 makes sluice log a warning, which opens its output stream.
    await fetch(`${target.url}${MESSAGES_PATH}`, {
      method: "POST",
      headers: { ...BASE_HEADERS, "x-mock-status": "500" },
      body: messagesBody(false),
      keepalive: false,
    } as RequestInit).then((r) => r.arrayBuffer());
    await Bun.sleep(2000);
    const before = await totals();
    const baseline = sampleOnce(pid, mockPort, listenPort)!;
    const baselineFds = otherFdTargets(pid);
    say(
      `sluice pid ${pid}, ${STREAMS} clients for ${SECONDS} s; baseline RSS ${mib(baseline.rssKb)}, ${baseline.fds} fds`,
    );
    const sampler = startSampler(pid, mockPort, listenPort, 1000);
    const tally = new Tally();
    const until = performance.now() + SECONDS * 1000;
    const client = async () => {
      while (performance.now() < until) {
        const p = plan(Math.random);
        tally.started++;
        tally.add(p, await run(target.url, p));
      }
    };
    const progress = setInterval(() => {
      const s = sampler.samples.at(-1);
      say(
        `${tally.finished} done, ${tally.wrong} wrong, RSS ${mib(s?.rssKb)}, ${s?.fds} fds, ${s?.upstreamSockets} upstream sockets`,
      );
    }, 15_000);
    await Promise.all(Array.from({ length: STREAMS }, client));
    clearInterval(progress);
    const loadEnd = sampler.samples.length;

    // Settle: descriptors and sockets should come back; Bun's pool may keep up to 64 idle ones.
    const back = (s: Sample | undefined) =>
      s !== undefined &&
      s.clientSockets <= baseline.clientSockets &&
      s.otherFds <= baseline.otherFds &&
      s.upstreamSockets <= Math.max(baseline.upstreamSockets, POOL_CAP) &&
      s.upstreamBusy === 0 &&
      (s.upstreamStates.CLOSE_WAIT ?? 0) === 0;
    let settled = sampleOnce(pid, mockPort, listenPort);
    const settleStart = performance.now();
    while (!back(settled) && performance.now() - settleStart < 30_000) {
      await Bun.sleep(1000);
      settled = sampleOnce(pid, mockPort, listenPort);
    }
    const settleSeconds = (performance.now() - settleStart) / 1000;
    const newFds = otherFdTargets(pid).filter((l) => !baselineFds.includes(l));
    const samples = sampler.stop();
    const after = await totals();

    const during = samples.slice(0, loadEnd).map((s) => s.rssKb);
    const third = Math.max(1, Math.floor(during.length / 3));
    const counted = after.requests - before.requests;
    const problems: string[] = [];
    if (tally.wrong > 0) problems.push(`${tally.wrong} requests ended wrongly or hung`);
    // A request abandoned before any answer may never have reached sluice; every other one must
    // be counted exactly once.
    if (counted > tally.started || counted < tally.started - tally.early) {
      problems.push(
        `sluice counted ${counted} requests, clients sent ${tally.started} (${tally.early} abandoned early)`,
      );
    }
    if (after.inFlight !== 0) problems.push(`sluice still reports ${after.inFlight} requests in flight`);
    if (!back(settled))
      problems.push("descriptors or upstream sockets did not return to baseline within 30 s");

    const report = {
      seconds: SECONDS,
      clients: STREAMS,
      requests: tally.started,
      outcomes: Object.fromEntries(tally.counts),
      wrong: tally.examples,
      sluiceCounted: counted,
      abandonedBeforeAnswer: tally.early,
      inFlightAfter: after.inFlight,
      resetSeenAsCleanEnd: tally.count("upstream-reset", "truncated"),
      rssKb: {
        baseline: baseline.rssKb,
        peak: sampler.max("rssKb"),
        medianSecondThird: median(during.slice(third, 2 * third)),
        medianLastThird: median(during.slice(2 * third)),
        settled: settled?.rssKb,
      },
      fds: {
        baseline: baseline.fds,
        peak: sampler.max("fds"),
        settled: settled?.fds,
        notSocketsBaseline: baseline.otherFds,
        notSocketsSettled: settled?.otherFds,
        notSocketsNew: newFds,
      },
      upstreamSockets: {
        baseline: baseline.upstreamSockets,
        peak: sampler.max("upstreamSockets"),
        settled: settled?.upstreamSockets,
        settledStates: settled?.upstreamStates,
      },
      clientSockets: {
        baseline: baseline.clientSockets,
        peak: sampler.max("clientSockets"),
        settled: settled?.clientSockets,
      },
      settleSeconds,
      problems,
    };
    mkdirSync(join(import.meta.dir, "output"), { recursive: true });
    writeFileSync(
      join(import.meta.dir, "output", "soak.json"),
      JSON.stringify({ ...report, samples }, null, 2),
    );
    say(`requests: ${tally.started} (${(tally.started / SECONDS).toFixed(0)}/s); outcomes:`);
    for (const l of tally.lines()) say(`  ${l}`);
    for (const e of tally.examples) say(`  wrong: ${e}`);
    say(
      `sluice counted ${counted} requests (clients: ${tally.started}, of which ${tally.early} abandoned ` +
        `before any answer); in flight after: ${after.inFlight}`,
    );
    say(
      `RSS: baseline ${mib(baseline.rssKb)}, peak ${mib(report.rssKb.peak)}, median 2nd third ${mib(report.rssKb.medianSecondThird)}, ` +
        `last third ${mib(report.rssKb.medianLastThird)}, settled ${mib(settled?.rssKb)}`,
    );
    say(
      `fds: baseline ${baseline.fds}, peak ${report.fds.peak}, settled ${settled?.fds} after ${settleSeconds.toFixed(0)} s ` +
        `(not sockets: ${baseline.otherFds} -> ${settled?.otherFds}${newFds.length ? `, new: ${newFds.join(", ")}` : ""})`,
    );
    say(
      `upstream sockets: baseline ${baseline.upstreamSockets}, peak ${report.upstreamSockets.peak}, settled ${settled?.upstreamSockets} ` +
        `${JSON.stringify(settled?.upstreamStates ?? {})} (idle keep-alive, at most ${POOL_CAP}); busy ${settled?.upstreamBusy}`,
    );
    say(
      `client sockets: baseline ${baseline.clientSockets}, peak ${report.clientSockets.peak}, settled ${settled?.clientSockets}`,
    );
    if (report.resetSeenAsCleanEnd > 0) {
      say(
        `note: ${report.resetSeenAsCleanEnd} upstream resets reached the client as a clean end without message_stop`,
      );
    }
    say(problems.length === 0 ? "PASS" : `FAIL: ${problems.join("; ")}`);
    say(`hang limit per request: nominal length + ${HANG_GRACE_MS / 1000} s; wrote bench/output/soak.json`);
    exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    await target.stop();
  }
} catch (err) {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await mock.stop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
