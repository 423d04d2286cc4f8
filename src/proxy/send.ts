// Sends one request upstream with retries: connect failures and overload answers (529, 503)
// are tried again with backoff and jitter, honouring retry-after, before anything reached
// the client. Owns the per-attempt abort controller, header timeout and connect probe.
import { isProxyError, type ProxyError } from "../errors.ts";
import {
  type AbortCause,
  classifyFetchError,
  type FetchFn,
  sendUpstream,
  type UpstreamRequest,
} from "./http-client.ts";
import type { Reachability } from "./reachability.ts";
import { DEFAULT_POLICY, decideRetry, RETRYABLE_STATUS } from "./retry.ts";

export interface SendDeps {
  fetch: FetchFn;
  reach: Reachability;
  random: () => number;
  retryMax: number;
  readTimeoutMs: number;
}

export interface Sent {
  response: Response;
  /** Aborts this attempt's upstream request (used by the body relay). */
  abort: (cause: AbortCause) => void;
  /** Stops watching the client's signal; call when the response body has ended. */
  release: () => void;
  /** performance.now() when this attempt's request went out, and when its headers came back. */
  sentAt: number;
  headersAt: number;
}

export type SendResult =
  | { ok: true; sent: Sent; retries: number }
  | { ok: false; error: ProxyError; retries: number };

export interface Target {
  /** Upstream or provider name, for reachability state. */
  name: string;
  baseUrl: string;
  host: string;
}

/** Waits ms, or less when the signal aborts; resolves false when aborted. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

async function attempt(deps: SendDeps, r: UpstreamRequest, target: Target, client: AbortSignal) {
  const local = new AbortController();
  let cause: AbortCause | undefined;
  const abort = (c: AbortCause) => {
    if (cause) return;
    cause = c;
    local.abort(c);
  };
  const onClientAbort = () => abort("client_closed");
  client.addEventListener("abort", onClientAbort, { once: true });
  let headersIn = false;
  const probe = deps.reach.check(target.name, target.baseUrl);
  probe?.then((p) => {
    if (!p.ok && !headersIn) abort(p.timedOut ? "connect_timeout" : "connect_failed");
  });
  const timer = setTimeout(() => abort("read_timeout"), deps.readTimeoutMs);
  const release = () => client.removeEventListener("abort", onClientAbort);
  const sentAt = performance.now();
  try {
    const response = await sendUpstream(deps.fetch, r, local.signal);
    headersIn = true;
    // The client listener stays while the body streams: a client that leaves aborts upstream.
    return { response, abort, release, sentAt, headersAt: performance.now() };
  } catch (err) {
    release();
    if (client.aborted) cause = "client_closed";
    return classifyFetchError(err, cause, target.host);
  } finally {
    clearTimeout(timer);
  }
}

export async function sendWithRetries(
  deps: SendDeps,
  r: UpstreamRequest,
  target: Target,
  client: AbortSignal,
): Promise<SendResult> {
  const policy = { ...DEFAULT_POLICY, maxRetries: deps.retryMax };
  let retries = 0;
  let waitedMs = 0;
  for (;;) {
    const result = await attempt(deps, r, target, client);
    const failed = isProxyError(result);
    const status = failed ? undefined : result.response.status;
    const done = (): SendResult =>
      failed ? { ok: false, error: result, retries } : { ok: true, sent: result, retries };
    if (failed) {
      deps.reach.report(target.name, target.baseUrl, false, result.message);
      if (!result.retryable) return done();
    } else {
      deps.reach.report(target.name, target.baseUrl, true);
      if (!RETRYABLE_STATUS.has(result.response.status)) return done();
    }
    const decision = decideRetry(
      { retries, waitedMs, status, retryAfter: failed ? null : result.response.headers.get("retry-after") },
      policy,
      deps.random,
    );
    if (!decision.retry) return done();
    // Free the pooled connection before waiting.
    if (!failed) {
      result.release();
      await result.response.body?.cancel().catch(() => {});
    }
    if (!(await pause(decision.delayMs, client))) {
      return { ok: false, error: classifyFetchError(undefined, "client_closed", target.host), retries };
    }
    waitedMs += decision.delayMs;
    retries++;
  }
}
