// Samples a process's resident memory, open file descriptors and TCP sockets (to one upstream
// port, and from clients on its listening port) at a fixed interval, for the many-streams run
// and the soak. Promises: sampling stops with stop(); a sample taken after the process is gone
// is skipped.
import { fdCount, memoryKb, socketsOf } from "./procs.ts";

export interface Sample {
  atMs: number;
  rssKb: number;
  fds: number;
  /** Connections to the upstream port, by TCP state. */
  upstreamSockets: number;
  upstreamStates: Record<string, number>;
  /** Upstream connections with unread bytes waiting (a stream nobody reads). */
  upstreamBusy: number;
  /** Client connections on the listening port (the listening socket itself excluded). */
  clientSockets: number;
  /** Descriptors that are not TCP sockets (files, pipes, epoll, eventfd ...). */
  otherFds: number;
}

export function sampleOnce(
  pid: number,
  upstreamPort: number,
  listenPort: number,
  atMs = 0,
): Sample | undefined {
  const mem = memoryKb(pid);
  const fds = fdCount(pid);
  const socks = socketsOf(pid);
  if (!mem || fds === undefined || !socks) return undefined;
  const up = socks.filter((s) => s.remotePort === upstreamPort);
  const states: Record<string, number> = {};
  for (const s of up) states[s.state] = (states[s.state] ?? 0) + 1;
  return {
    atMs,
    rssKb: mem.rss,
    fds,
    upstreamSockets: up.length,
    upstreamStates: states,
    upstreamBusy: up.filter((s) => s.rxQueue > 0).length,
    clientSockets: socks.filter((s) => s.localPort === listenPort && s.state !== "LISTEN").length,
    otherFds: fds - socks.length,
  };
}

export interface Sampler {
  samples: Sample[];
  stop(): Sample[];
  /** The largest value of a field over the samples so far. */
  max(field: "rssKb" | "fds" | "upstreamSockets" | "clientSockets"): number;
}

export function startSampler(
  pid: number,
  upstreamPort: number,
  listenPort: number,
  intervalMs: number,
): Sampler {
  const samples: Sample[] = [];
  const t0 = performance.now();
  const take = () => {
    const s = sampleOnce(pid, upstreamPort, listenPort, performance.now() - t0);
    if (s) samples.push(s);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
    max(field) {
      return samples.reduce((m, s) => Math.max(m, s[field]), 0);
    },
  };
}
