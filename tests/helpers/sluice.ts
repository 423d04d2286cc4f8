// Starts sluice in-process (the same startServer the binary uses) with a test config, and
// collects finished exchanges so tests can assert on outcomes and log fields. With
// `{ admin: true }` the admin listener (dashboard, metrics) also listens, on a free port.
import type { Config } from "../../src/config/types.ts";
import { type Logger, silentLogger } from "../../src/log.ts";
import type { Exchange } from "../../src/proxy/exchange.ts";
import type { ExchangeObserver } from "../../src/proxy/observe.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import type { Telemetry } from "../../src/telemetry/langfuse.ts";
import type { Otel } from "../../src/telemetry/otel.ts";
import { testConfig } from "./config.ts";

export interface TestSluice extends RunningServer {
  config: Config;
  exchanges: Exchange[];
  /** Resolves with the next n finished exchanges (counting those already seen). */
  waitForExchanges(n: number, timeoutMs?: number): Promise<Exchange[]>;
  /** Sends pending Langfuse traces and OpenTelemetry spans (as shutdown does), waiting at most deadlineMs. */
  flushTelemetry(deadlineMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Start the admin listener on 127.0.0.1 and a free port (the config can only turn it off with 0). */
  admin?: boolean;
  /** Where sluice logs (default: nowhere). */
  log?: Logger;
  /** Builds the Langfuse sink instead of the app (tests that need small limits). */
  telemetry?: (config: Config) => Telemetry;
  /** Builds the OpenTelemetry exporter instead of the app (tests that need small limits). */
  otel?: (config: Config) => Otel;
  /** More exchange observers (a test that waits for a request to arrive). */
  observers?: ExchangeObserver[];
  /** A sluice.toml to load ([[keys]], [[routes]] ...). */
  toml?: string;
  /** Ledger writer knobs (short intervals keep tests quick). */
  ledgerWriter?: { intervalMs?: number; maxBuffered?: number; opTimeoutMs?: number };
  fleetRefreshMs?: number;
}

export async function startSluice(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestSluice> {
  const config = testConfig(env, options.toml);
  const exchanges: Exchange[] = [];
  const server = await startServer(config, {
    log: options.log ?? silentLogger,
    ...(options.telemetry ? { telemetry: options.telemetry(config) } : {}),
    ...(options.otel ? { otel: options.otel(config) } : {}),
    ...(options.observers ? { observers: options.observers } : {}),
    ...(options.ledgerWriter ? { ledgerWriter: options.ledgerWriter } : {}),
    ...(options.fleetRefreshMs ? { fleetRefreshMs: options.fleetRefreshMs } : {}),
    onEnd: (ex) => exchanges.push({ ...ex }),
  });
  let adminUrl = server.adminUrl;
  if (options.admin && adminUrl === undefined) {
    server.app.admin.listen({ hostname: "127.0.0.1", port: 0, idleTimeout: 0 });
    adminUrl = `http://127.0.0.1:${server.app.admin.server!.port}`;
  }
  return {
    ...server,
    ...(adminUrl ? { adminUrl } : {}),
    config,
    exchanges,
    async waitForExchanges(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (exchanges.length < n && Date.now() < until) await Bun.sleep(10);
      if (exchanges.length < n) throw new Error(`only ${exchanges.length} of ${n} exchanges finished`);
      return exchanges.slice(0, n);
    },
    flushTelemetry: async (deadlineMs = 5000) => {
      await Promise.all([server.app.telemetry.flush(deadlineMs), server.app.otel.flush(deadlineMs)]);
    },
    stop: async () => {
      await server.shutdown(0);
    },
  };
}
