// Many long streams at once through one target: how every stream ended, the gap between
// consecutive events as the clients saw them (p50, p99), and for a proxy its memory, file
// descriptors and upstream sockets before, at the peak and after the streams end, and how long
// the last stream waited for its first byte (Bun's fetch queues requests past its in-flight
// limit). The same run straight to the mock gives the gaps a proxy is compared with.
// Promises: starts and stops its own target; returns figures, never asserts them.
import { memoryKb } from "../lib/procs.ts";
import { streamKnobs } from "../lib/request.ts";
import { type Sample, sampleOnce, startSampler } from "../lib/sampler.ts";
import { type StreamEnd, type StreamResult, streamOnce } from "../lib/sse-client.ts";
import { percentile } from "../lib/stats.ts";
import type { Target } from "../lib/targets.ts";

export interface ManyStreamsOptions {
  label: string;
  streams: number;
  events: number;
  gapMs: number;
  rampMs: number;
  settleMs: number;
  /** The upstream's port, to count the proxy's connections to it. */
  mockPort: number;
}

export interface ManyStreamsResult {
  label: string;
  streams: number;
  ends: Partial<Record<StreamEnd, number>>;
  /** Gaps between consecutive events of complete streams, as the clients saw them. */
  gapP50Ms?: number;
  gapP99Ms?: number;
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

export async function manyStreams(
  start: () => Promise<Target>,
  o: ManyStreamsOptions,
): Promise<ManyStreamsResult> {
  const target = await start();
  const pid = target.pid;
  const listenPort = Number(new URL(target.url).port);
  const sample = () => (pid === undefined ? undefined : sampleOnce(pid, o.mockPort, listenPort));
  try {
    // Warm-up, so the baseline is a process that has served streams, not a cold one.
    for (let i = 0; i < 20; i++) {
      await streamOnce({ url: target.url, headers: streamKnobs(5, 0), keepalive: false });
    }
    await Bun.sleep(2000);
    const baseline = sample();
    const sampler = pid === undefined ? undefined : startSampler(pid, o.mockPort, listenPort, 250);
    const headers = streamKnobs(o.events, o.gapMs);
    const started = performance.now();
    const running: Promise<StreamResult>[] = [];
    for (let i = 0; i < o.streams; i++) {
      running.push(streamOnce({ url: target.url, headers, keepalive: false, keepTimes: true }));
      if (i % 10 === 9) await Bun.sleep((o.rampMs * 10) / o.streams);
    }
    const results = await Promise.all(running);
    const wallSeconds = (performance.now() - started) / 1000;
    await Bun.sleep(1000);
    const after = sample();
    if (sampler) await Bun.sleep(o.settleMs);
    sampler?.stop();
    const settled = sample();
    const ends: Partial<Record<StreamEnd, number>> = {};
    for (const r of results) ends[r.end] = (ends[r.end] ?? 0) + 1;
    const complete = results.filter((r) => r.end === "complete");
    const gaps: number[] = [];
    for (const r of complete) {
      for (let i = 1; i < r.eventTimes.length; i++) gaps.push(r.eventTimes[i]! - r.eventTimes[i - 1]!);
    }
    const ttfb = complete.map((r) => r.ttfbMs);
    return {
      label: o.label,
      streams: o.streams,
      ends,
      gapP50Ms: percentile(gaps, 50),
      gapP99Ms: percentile(gaps, 99),
      ...(baseline ? { baseline } : {}),
      peakRssKb: sampler?.max("rssKb") ?? Number.NaN,
      peakFds: sampler?.max("fds") ?? Number.NaN,
      peakUpstreamSockets: sampler?.max("upstreamSockets") ?? Number.NaN,
      ...(after ? { after } : {}),
      ...(settled ? { settled } : {}),
      hwmKb: pid === undefined ? Number.NaN : (memoryKb(pid)?.hwm ?? Number.NaN),
      ttfbP50Ms: percentile(ttfb, 50),
      ttfbMaxMs: percentile(ttfb, 100),
      wallSeconds,
    };
  } finally {
    await target.stop();
  }
}
