// Fleet-wide counting for the rate limits in Redis (SLUICE_REDIS_URL), through Bun's built-in
// client. One Lua script checks both limits and counts the request atomically, so instances
// sharing Redis share one limit. Redis never costs a call anything: while it is disconnected,
// or when it does not answer within REDIS_WAIT_MS, this instance counts locally (and says so in
// the log, once per outage) and goes back to Redis when it answers again.
import { RedisClient } from "bun";
import type { KeyPolicy } from "../config/keys.ts";
import { redactUrl } from "../ledger/url.ts";
import type { Logger } from "../log.ts";
import { createLocalLimiter, type Limiter } from "./limiter-local.ts";
import { type LimitRefusal, overLimit } from "./limits.ts";
import { bucketOf, previousWeight, WINDOW_MS } from "./window.ts";

/** Longest a call waits for Redis before it is counted locally instead. */
const REDIS_WAIT_MS = 250;
/** Buckets outlive their two minutes a little, then Redis forgets them. */
const BUCKET_TTL_MS = 3 * WINDOW_MS;
const RECONNECT_MS = 2000;

const SCRIPT = `
local w = tonumber(ARGV[1])
local rpm = tonumber(ARGV[2])
local tpm = tonumber(ARGV[3])
local rc = tonumber(redis.call('GET', KEYS[1]) or '0')
local rp = tonumber(redis.call('GET', KEYS[2]) or '0')
local tc = tonumber(redis.call('GET', KEYS[3]) or '0')
local tp = tonumber(redis.call('GET', KEYS[4]) or '0')
local ok = 1
if rpm >= 0 and rp * w + rc + 1 > rpm then ok = 0 end
if tpm >= 0 and tp * w + tc + 1 > tpm then ok = 0 end
if ok == 1 then
  rc = redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return {ok, rc, rp, tc, tp}`;

const key = (name: string, kind: "r" | "t", bucket: number) => `sluice:rl:{${name}}:${kind}:${bucket}`;

export interface RedisLimiter extends Limiter {
  /** True while limits are counted locally because Redis is away. */
  degraded(): boolean;
}

export function createRedisLimiter(url: string, log: Logger): RedisLimiter {
  const local = createLocalLimiter();
  let closed = false;
  let degraded = false;
  const client = new RedisClient(url, {
    connectionTimeout: 2000,
    enableOfflineQueue: false,
    autoReconnect: true,
  });
  const goLocal = (why: string) => {
    if (degraded) return;
    degraded = true;
    log.warn("rate limits counted per instance: Redis unavailable", { redis: redactUrl(url), error: why });
  };
  const backInRedis = () => {
    if (!degraded) return;
    degraded = false;
    log.info("rate limits counted in Redis again", { redis: redactUrl(url) });
  };
  // Bun gives up after its own retries; keep trying, slowly, for as long as sluice runs.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reconnect = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (closed || client.connected) return;
      client.connect().catch(() => reconnect());
    }, RECONNECT_MS);
    timer.unref?.();
  };
  client.onclose = (err) => {
    if (closed) return;
    goLocal(err?.message ?? "connection closed");
    reconnect();
  };
  client.connect().catch((err: Error) => {
    goLocal(err.message);
    reconnect();
  });

  async function inRedis(policy: KeyPolicy, now: number): Promise<LimitRefusal | undefined> {
    const b = bucketOf(now);
    const reply = (await client.send("EVAL", [
      SCRIPT,
      "4",
      key(policy.name, "r", b),
      key(policy.name, "r", b - 1),
      key(policy.name, "t", b),
      key(policy.name, "t", b - 1),
      String(previousWeight(now)),
      String(policy.requestsPerMinute ?? -1),
      String(policy.tokensPerMinute ?? -1),
      String(BUCKET_TTL_MS),
    ])) as number[];
    const [ok, rc, rp, tc, tp] = reply.map(Number) as [number, number, number, number, number];
    if (ok === 1) return undefined;
    const counts = { requests: { current: rc, previous: rp }, tokens: { current: tc, previous: tp } };
    // The script and overLimit agree but for float rounding at the very edge: then wait 1 s.
    return (
      overLimit(policy, counts, now) ?? {
        limit: policy.requestsPerMinute !== undefined ? "requests_per_minute" : "tokens_per_minute",
        value: policy.requestsPerMinute ?? policy.tokensPerMinute ?? 0,
        retryAfterSec: 1,
      }
    );
  }

  return {
    degraded: () => degraded,
    async admit(policy, now) {
      if (!client.connected) {
        goLocal("not connected");
        reconnect();
        return local.admit(policy, now);
      }
      let timeout: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((resolve) => {
        timeout = setTimeout(() => resolve("late"), REDIS_WAIT_MS);
      });
      try {
        const r = await Promise.race([inRedis(policy, now), late]);
        if (r === "late") {
          goLocal(`no answer within ${REDIS_WAIT_MS} ms`);
          return local.admit(policy, now);
        }
        backInRedis();
        // Keep the local count warm, so a Redis outage starts from this instance's real numbers.
        if (r === undefined) local.counts(policy.name, now).requests.current += 1;
        return r;
      } catch (err) {
        goLocal(err instanceof Error ? err.message : String(err));
        return local.admit(policy, now);
      } finally {
        clearTimeout(timeout);
      }
    },
    addTokens(name, tokens, now) {
      if (!(tokens > 0)) return;
      local.addTokens(name, tokens, now);
      if (!client.connected) return;
      const k = key(name, "t", bucketOf(now));
      client
        .send("EVAL", [
          "redis.call('INCRBY', KEYS[1], ARGV[1]); redis.call('PEXPIRE', KEYS[1], ARGV[2]); return 1",
          "1",
          k,
          String(Math.round(tokens)),
          String(BUCKET_TTL_MS),
        ])
        .catch((err: Error) => goLocal(err.message));
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      client.close();
    },
  };
}
