// Connect timeout and per-upstream state. Bun's fetch exposes no connect phase, so when an
// upstream has not been seen working recently sluice opens one plain TCP connection to it,
// in parallel with the real request, bounded by the connect timeout. A failed probe aborts
// the request (502) long before the read timeout would. A fresh success is cached, so warm
// traffic never probes. The same state answers /health.
import { connect } from "node:net";

export type UpstreamState = "up" | "down" | "unknown";

export interface ProbeResult {
  ok: boolean;
  timedOut?: boolean;
}

interface Entry {
  host: string;
  port: number;
  baseUrl: string;
  state: UpstreamState;
  checkedAt: number;
  lastError?: string;
  pending?: Promise<ProbeResult>;
}

export interface Reachability {
  /** A probe to race against the request, or undefined when the upstream is known to be up. */
  check(name: string, baseUrl: string): Promise<ProbeResult> | undefined;
  /** Outcome of real traffic: keeps the state current without probing. */
  report(name: string, baseUrl: string, ok: boolean, error?: string): void;
  states(): Record<string, { url: string; state: UpstreamState; checkedAt?: string; lastError?: string }>;
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, timedOut: true }), timeoutMs);
    socket.once("connect", () => done({ ok: true }));
    socket.once("error", () => done({ ok: false }));
  });
}

function newEntry(baseUrl: string): Entry {
  const u = new URL(baseUrl);
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port, baseUrl, state: "unknown", checkedAt: 0 };
}

export function createReachability(opts: {
  connectTimeoutMs: number;
  freshMs?: number;
  now?: () => number;
  probe?: typeof tcpProbe;
}): Reachability {
  const freshMs = opts.freshMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const probe = opts.probe ?? tcpProbe;
  const entries = new Map<string, Entry>();
  // Behind an HTTP(S)_PROXY the TCP probe would test the wrong host.
  const proxied = Boolean(process.env.HTTPS_PROXY || process.env.HTTP_PROXY || process.env.https_proxy);

  const entry = (name: string, baseUrl: string): Entry => {
    let e = entries.get(name);
    if (!e || e.baseUrl !== baseUrl) {
      e = newEntry(baseUrl);
      entries.set(name, e);
    }
    return e;
  };

  return {
    check(name, baseUrl) {
      if (proxied) return undefined;
      const e = entry(name, baseUrl);
      if (e.state === "up" && now() - e.checkedAt < freshMs) return undefined;
      if (e.pending) return e.pending;
      e.pending = probe(e.host, e.port, opts.connectTimeoutMs).then((r) => {
        e.pending = undefined;
        e.checkedAt = now();
        e.state = r.ok ? "up" : "down";
        e.lastError = r.ok ? undefined : r.timedOut ? "connect timeout" : "connect failed";
        return r;
      });
      return e.pending;
    },
    report(name, baseUrl, ok, error) {
      const e = entry(name, baseUrl);
      e.state = ok ? "up" : "down";
      e.checkedAt = now();
      e.lastError = ok ? undefined : error;
    },
    states() {
      return Object.fromEntries(
        [...entries].map(([k, e]) => [
          k,
          {
            url: e.baseUrl,
            state: e.state,
            ...(e.checkedAt ? { checkedAt: new Date(e.checkedAt).toISOString() } : {}),
            ...(e.lastError ? { lastError: e.lastError } : {}),
          },
        ]),
      );
    },
  };
}
