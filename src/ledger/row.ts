// One ledger row per call: who (key, session), what (models, provider, status, outcome), how
// much (tokens by kind, cost) and how long. Built from the finished Exchange; counts, names and
// timings only, never prompt or answer text, never a key. Pure.
import type { Exchange } from "../proxy/exchange.ts";

export interface LedgerRow {
  /** Epoch ms when the request arrived. */
  ts: number;
  request_id: string;
  key_name: string | null;
  session_id: string | null;
  method: string;
  path: string;
  api: string;
  /** The upstream or routed provider that answered. */
  provider: string;
  model_requested: string | null;
  model: string | null;
  status: number;
  outcome: string;
  /** x-sluice-error kind of a sluice-made error (budget_exceeded, rate_limited ...). */
  error_kind: string | null;
  stream: number;
  input_tokens: number;
  output_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  reasoning_tokens: number;
  /** 1 when the token counts were estimated by sluice rather than reported by the provider. */
  tokens_estimated: number;
  cost_usd: number;
  ttfb_ms: number | null;
  duration_ms: number;
  retries: number;
  /** The provider a fallback sent the call to, when the first target failed. */
  fallback: string | null;
  scrub_hits: number;
  bytes_in: number;
  bytes_out: number;
}

export const LEDGER_COLUMNS = [
  "ts",
  "request_id",
  "key_name",
  "session_id",
  "method",
  "path",
  "api",
  "provider",
  "model_requested",
  "model",
  "status",
  "outcome",
  "error_kind",
  "stream",
  "input_tokens",
  "output_tokens",
  "cache_write_5m_tokens",
  "cache_write_1h_tokens",
  "cache_read_tokens",
  "reasoning_tokens",
  "tokens_estimated",
  "cost_usd",
  "ttfb_ms",
  "duration_ms",
  "retries",
  "fallback",
  "scrub_hits",
  "bytes_in",
  "bytes_out",
] as const satisfies readonly (keyof LedgerRow)[];

/** Estimated usage, when token estimation marks an Exchange (not every build has it yet). */
interface Extras {
  tokensEstimated?: boolean;
  usage?: { estimated?: boolean };
}

/** Calls the gate turned away have no one to bill and could fill the disk: not recorded. */
const GATE_REFUSALS = new Set(["unauthorized", "too_many_wrong_keys"]);
export const isRecorded = (ex: Exchange): boolean =>
  ex.errorKind === undefined || !GATE_REFUSALS.has(ex.errorKind);

export function toRow(ex: Exchange): LedgerRow {
  const extra = ex as Exchange & Extras;
  const u = ex.usage;
  const write1h = u?.cacheWrite1hTokens ?? 0;
  let scrub = 0;
  if (ex.scrubHits) for (const d in ex.scrubHits) scrub += ex.scrubHits[d] ?? 0;
  return {
    ts: ex.startedAt,
    request_id: ex.id,
    key_name: ex.client ?? null,
    session_id: ex.sessionId ?? null,
    method: ex.method,
    path: ex.path,
    api: ex.api,
    provider: ex.routedTo ?? ex.upstream,
    model_requested: ex.requestModel ?? null,
    model: ex.model ?? null,
    status: ex.status,
    outcome: ex.outcome,
    error_kind: ex.errorKind ?? null,
    stream: ex.stream ? 1 : 0,
    input_tokens: u?.inputTokens ?? 0,
    output_tokens: u?.outputTokens ?? 0,
    cache_write_5m_tokens: Math.max(0, (u?.cacheWriteTokens ?? 0) - write1h),
    cache_write_1h_tokens: write1h,
    cache_read_tokens: u?.cacheReadTokens ?? 0,
    reasoning_tokens: u?.reasoningTokens ?? 0,
    tokens_estimated: extra.tokensEstimated === true || extra.usage?.estimated === true ? 1 : 0,
    cost_usd: ex.costUsd ?? 0,
    ttfb_ms: ex.ttfbMs === undefined ? null : Math.round(ex.ttfbMs * 100) / 100,
    duration_ms: Math.round(ex.durationMs * 100) / 100,
    retries: ex.retries,
    fallback: ex.fallback ?? null,
    scrub_hits: scrub,
    bytes_in: ex.bytesIn,
    bytes_out: ex.bytesOut,
  };
}
