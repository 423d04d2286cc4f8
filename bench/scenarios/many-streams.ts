// Many long streams at once through one sluice process: its memory, file descriptors and
// upstream sockets before, at the peak and after the streams end, and how long the last
// stream waited for its first byte (Bun's fetch queues requests past its in-flight limit).
// Promises: starts and stops its own sluice; returns figures, never asserts them.
import { memoryKb } from "../lib/procs.ts";
import { streamKnobs } from "../lib/request.ts";
import { type Sample, sampleOnce, startSampler } from "../lib/sampler.ts";
import { type StreamEnd, type StreamResult, streamOnce } from "../lib/sse-client.ts";
import { percentile } from "../lib/stats.ts";
import { type BenchEnv, type SluiceVariant, startSluice } from "../lib/targets.ts";

export interface ManyStreamsOptions {
  label: string;
  variant: SluiceVariant;
  streams: number;
  events: number;
  gapMs: number;
  rampMs: number;
  settleMs: number;
  /** Environment changes for the sluice process (undefined removes a variable). */
  overrides?: Record<string, string | undefined>;
}

export interface ManyStreamsResult {
  label: string;
  streams: number;
  ends: Partial<Record<StreamEnd, number>>;
  baseline?: Sample;
  peakRssKb: number;
  peakFds: number;
  peakUpstreamSockets: number;
  /** Right after the last stream ended, and `settleMs` later. */
  after?: Sample;
  settled?: Sample;
  hwmKb?: number;
  ttfbP50Ms: number;
  ttfbMaxMs: number;
  wallSeconds: number;
  error?: string;
}

export async function manyStreams(env: BenchEnv, o: ManyStreamsOptions): Promise<ManyStreamsResult> {
  const target = await startSluice(env, o.variant, o.overrides ?? {});
  const pid = target.pid!;
  const listenPort = Number(new URL(target.url).port);
  try {
    // Warm-up, so the baseline is a process that has served streams, not a cold one.
    for (let i = 0; i < 20; i++) {
      await streamOnce({ url: target.url, headers: streamKnobs(5, 0), keepalive: false });
    }
    await Bun.sleep(2000);
    const baseline = sampleOnce(pid, env.mockPort, listenPort);
    const sampler = startSampler(pid, env.mockPort, listenPort, 250);
    const headers = streamKnobs(o.events, o.gapMs);
    const started = performance.now();
    const running: Promise<StreamResult>[] = [];
    for (let i = 0; i < o.streams; i++) {
      running.push(streamOnce({ url: target.url, headers, keepalive: false }));
      if (i % 10 === 9) await Bun.sleep((o.rampMs * 10) / o.streams);
    }
    const results = await Promise.all(running);
    const wallSeconds = (performance.now() - started) / 1000;
    await Bun.sleep(1000);
    const after = sampleOnce(pid, env.mockPort, listenPort);
    await Bun.sleep(o.settleMs);
    sampler.stop();
    const settled = sampleOnce(pid, env.mockPort, listenPort);
    const ends: Partial<Record<StreamEnd, number>> = {};
    for (const r of results) ends[r.end] = (ends[r.end] ?? 0) + 1;
    const ttfb = results.filter((r) => r.end === "complete").map((r) => r.ttfbMs);
    return {
      label: o.label,
      streams: o.streams,
      ends,
      ...(baseline ? { baseline } : {}),
      peakRssKb: sampler.max("rssKb"),
      peakFds: sampler.max("fds"),
      peakUpstreamSockets: sampler.max("upstreamSockets"),
      ...(after ? { after } : {}),
      ...(settled ? { settled } : {}),
      hwmKb: memoryKb(pid)?.hwm ?? Number.NaN,
      ttfbP50Ms: percentile(ttfb, 50),
      ttfbMaxMs: percentile(ttfb, 100),
      wallSeconds,
    };
  } finally {
    await target.stop();
  }
}
