// Starts sluice in-process (the same startServer the binary uses) with a test config, and
// collects finished exchanges so tests can assert on outcomes and log fields.
import type { Config } from "../../src/config/types.ts";
import { silentLogger } from "../../src/log.ts";
import type { Exchange } from "../../src/proxy/exchange.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { testConfig } from "./config.ts";

export interface TestSluice extends RunningServer {
  config: Config;
  exchanges: Exchange[];
  /** Resolves with the next n finished exchanges (counting those already seen). */
  waitForExchanges(n: number, timeoutMs?: number): Promise<Exchange[]>;
  stop(): Promise<void>;
}

export async function startSluice(env: Record<string, string> = {}): Promise<TestSluice> {
  const config = testConfig(env);
  const exchanges: Exchange[] = [];
  const server = await startServer(config, { log: silentLogger, onEnd: (ex) => exchanges.push({ ...ex }) });
  return {
    ...server,
    config,
    exchanges,
    async waitForExchanges(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (exchanges.length < n && Date.now() < until) await Bun.sleep(10);
      if (exchanges.length < n) throw new Error(`only ${exchanges.length} of ${n} exchanges finished`);
      return exchanges.slice(0, n);
    },
    stop: async () => {
      await server.shutdown(0);
    },
  };
}
