// The things measured side by side, each in front of the same mock upstream: the mock itself
// (direct, the limit), nginx, the Portkey gateway and the bare proxies (sluice's rows are in
// sluice-target.ts). Promises: a
// started target has answered one proxied request with 200 (readyMs is how long that took);
// stop() ends exactly the processes it started.
import { chownSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nginxConfig } from "./nginx-conf.ts";
import { freePort, type Service, spawnService, tail, waitUntil } from "./procs.ts";
import { BASE_HEADERS, MESSAGES_PATH, messagesBody } from "./request.ts";
import type { Portkey } from "./tools.ts";

export interface Target {
  id: string;
  label: string;
  url: string;
  tls: boolean;
  /** Extra request headers this target needs (Portkey's routing headers). */
  headers: Record<string, string>;
  /** The process whose memory is the proxy's (absent for direct). */
  pid?: number;
  /** Milliseconds from spawn to the first proxied 200. */
  readyMs?: number;
  /** Admin listener (sluice with metrics on). */
  adminUrl?: string;
  /** The process's output. */
  log?: string;
  notes: string[];
  stop(): Promise<void>;
}

export interface BenchEnv {
  sluice: string;
  bun: string;
  mockPort: number;
  mockUrl: string;
  tmp: string;
  certs: { cert: string; key: string };
  /** How to run sluice when not as the binary alone (from source, under the profiler). */
  sluiceCommand?: string[];
  /** The local telemetry collector (Langfuse ingestion and OTLP/HTTP), for the telemetry row. */
  collectorUrl?: string;
}

/** One proxied POST /v1/messages answered 200. */
export async function proxiedOk(url: string, headers: Record<string, string>): Promise<boolean> {
  const res = await fetch(url + MESSAGES_PATH, {
    method: "POST",
    headers: { ...BASE_HEADERS, ...headers },
    body: messagesBody(false),
    signal: AbortSignal.timeout(3000),
    tls: { rejectUnauthorized: false },
  } as RequestInit);
  await res.arrayBuffer();
  return res.status === 200;
}

export async function ready(
  service: Service,
  t: Omit<Target, "readyMs" | "stop" | "pid">,
  spawnedAt: number,
): Promise<Target> {
  const waited = await waitUntil(() => proxiedOk(t.url, t.headers), 20_000);
  if (waited === undefined) {
    await service.stop();
    throw new Error(`${t.label} did not answer within 20 s:\n${tail(service.log)}`);
  }
  return {
    ...t,
    pid: service.pid,
    log: service.log,
    readyMs: performance.now() - spawnedAt,
    stop: () => service.stop(),
  };
}

export function direct(env: BenchEnv): Target {
  return {
    id: "direct",
    label: "direct to the mock (the limit)",
    url: env.mockUrl,
    tls: false,
    headers: {},
    notes: [],
    stop: async () => {},
  };
}

export async function startNginx(
  env: BenchEnv,
  nginx: string,
  tls: boolean,
  workers: number | "auto" = "auto",
): Promise<Target> {
  const id = `nginx${tls ? "-tls" : ""}${workers === 1 ? "-1w" : ""}`;
  const dir = join(env.tmp, id);
  mkdirSync(dir, { recursive: true });
  const port = freePort();
  const certs = tls ? { cert: join(dir, "server.crt"), key: join(dir, "server.key") } : undefined;
  if (certs) {
    copyFileSync(env.certs.cert, certs.cert);
    copyFileSync(env.certs.key, certs.key);
  }
  writeFileSync(
    join(dir, "nginx.conf"),
    nginxConfig({ dir, port, upstreamPort: env.mockPort, workers, ...(certs ? { tls: certs } : {}) }),
  );
  // Unprivileged: as root, drop to nobody (the temp dir becomes theirs) instead of keeping root.
  let cmd = [nginx, "-p", dir, "-c", join(dir, "nginx.conf"), "-e", "stderr"];
  const setpriv = Bun.which("setpriv");
  if (process.getuid?.() === 0 && setpriv) {
    for (const f of ["", "nginx.conf", ...(certs ? ["server.crt", "server.key"] : [])]) {
      chownSync(join(dir, f), 65534, 65534);
    }
    cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", ...cmd];
  }
  const spawnedAt = performance.now();
  const service = spawnService(id, cmd, { logDir: env.tmp });
  return ready(
    service,
    {
      id,
      label: `nginx${tls ? ", TLS" : ""}${workers === 1 ? ", 1 worker process" : ""}`,
      url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
      tls,
      headers: {},
      notes: [],
    },
    spawnedAt,
  );
}

export async function startPortkey(env: BenchEnv, pk: Portkey, runtime: "node" | "bun"): Promise<Target> {
  const bin = runtime === "node" ? pk.node : env.bun;
  if (!bin) throw new Error("node not found");
  const port = freePort();
  const spawnedAt = performance.now();
  const service = spawnService(`portkey-${runtime}`, [bin, pk.script, `--port=${port}`, "--headless"], {
    logDir: env.tmp,
    env: { ...(process.env as Record<string, string>), NODE_ENV: "production" },
  });
  return ready(
    service,
    {
      id: `portkey-${runtime}`,
      label: `Portkey gateway on ${runtime === "node" ? "Node" : "Bun"}`,
      url: `http://127.0.0.1:${port}`,
      tls: false,
      headers: {
        "x-portkey-provider": "anthropic",
        "x-portkey-custom-host": `${env.mockUrl}/v1`,
        "x-portkey-forward-headers": "x-mock-events,x-mock-gap-ms,x-mock-reset-after",
      },
      notes: [],
    },
    spawnedAt,
  );
}

const BARE = {
  "bare-bun": { file: "bare-bun-proxy.ts", label: "bare Bun.serve + fetch (the floor for a Bun proxy)" },
  "bare-elysia": { file: "bare-elysia-proxy.ts", label: "the same bare proxy routed by Elysia" },
} as const;

/**
 * bench/lib/bare-bun-proxy.ts: what any Bun proxy costs before doing anything of its own; or
 * bare-elysia-proxy.ts, the same routed by Elysia as sluice routes it (Elysia's own share).
 */
export async function startBareBun(env: BenchEnv, kind: keyof typeof BARE = "bare-bun"): Promise<Target> {
  const port = freePort();
  const spawnedAt = performance.now();
  const service = spawnService(kind, [env.bun, join(import.meta.dir, BARE[kind].file)], {
    logDir: env.tmp,
    cwd: join(import.meta.dir, "..", ".."),
    env: { PATH: process.env.PATH ?? "", PORT: String(port), UPSTREAM: env.mockUrl },
  });
  return ready(
    service,
    {
      id: kind,
      label: BARE[kind].label,
      url: `http://127.0.0.1:${port}`,
      tls: false,
      headers: {},
      notes: [],
    },
    spawnedAt,
  );
}
