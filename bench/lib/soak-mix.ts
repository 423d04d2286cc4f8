// The soak's traffic: what each request is (a stream to read to the end, a stream the client
// abandons, a stream the upstream cuts, a plain request), what it sends, the outcomes that
// count as correct for it, and a tally. Promises: plan() is pure given its random source;
// run() never throws and gives up on a request (counting it as hung) after its deadline.
import { BASE_HEADERS, MESSAGES_PATH, messagesBody, streamKnobs } from "./request.ts";
import { type StreamEnd, streamOnce } from "./sse-client.ts";

export type Kind = "stream" | "client-abort" | "upstream-reset" | "plain";

export interface Planned {
  kind: Kind;
  events: number;
  gapMs: number;
  /** Client abort after this many ms (client-abort only). */
  abortAfterMs?: number;
  /** x-mock-reset-after (upstream-reset only). */
  resetAfter?: number;
  /** Longer than this and the request counts as hung. */
  deadlineMs: number;
}

/** Extra time over a request's nominal length before it counts as hung. */
export const HANG_GRACE_MS = 30_000;

export function plan(random: () => number): Planned {
  const events = 10 + Math.floor(random() * 140);
  const gapMs = 10 + Math.floor(random() * 50);
  const nominal = events * gapMs;
  const deadlineMs = nominal + HANG_GRACE_MS;
  const r = random();
  if (r < 0.5) return { kind: "stream", events, gapMs, deadlineMs };
  if (r < 0.7)
    return { kind: "client-abort", events, gapMs, abortAfterMs: Math.floor(random() * nominal), deadlineMs };
  if (r < 0.9)
    return {
      kind: "upstream-reset",
      events,
      gapMs,
      resetAfter: 1 + Math.floor(random() * events),
      deadlineMs,
    };
  return { kind: "plain", events: 1, gapMs: 0, deadlineMs: HANG_GRACE_MS };
}

export type Outcome = StreamEnd | "hung";

/** The outcomes that are right for each kind; anything else is a failure. */
export const EXPECTED: Record<Kind, readonly Outcome[]> = {
  stream: ["complete"],
  // A stream can finish before the client's abort fires.
  "client-abort": ["aborted", "complete"],
  // The client must see the end as abnormal: a reset read, or (reported apart) a clean end
  // without message_stop.
  "upstream-reset": ["reset", "truncated"],
  plain: ["complete"],
};

export interface Ran {
  outcome: Outcome;
  error?: string;
  /** Aborted before any response: the request may never have reached the proxy. */
  early?: boolean;
}

async function plainOnce(url: string, signal: AbortSignal): Promise<Ran> {
  try {
    const res = await fetch(url + MESSAGES_PATH, {
      method: "POST",
      headers: BASE_HEADERS,
      body: messagesBody(false),
      signal,
      keepalive: false,
    } as RequestInit);
    await res.arrayBuffer();
    return res.status === 200 ? { outcome: "complete" } : { outcome: "status", error: `HTTP ${res.status}` };
  } catch (err) {
    return { outcome: signal.aborted ? "hung" : "failed", error: String(err) };
  }
}

/** Runs one planned request against `url`; resolves with what happened. */
export async function run(url: string, p: Planned): Promise<Ran> {
  const controller = new AbortController();
  let hung = false;
  const watchdog = setTimeout(() => {
    hung = true;
    controller.abort();
  }, p.deadlineMs);
  const abort =
    p.abortAfterMs !== undefined ? setTimeout(() => controller.abort(), p.abortAfterMs) : undefined;
  try {
    if (p.kind === "plain") return await plainOnce(url, controller.signal);
    const headers = {
      ...streamKnobs(p.events, p.gapMs),
      ...(p.resetAfter !== undefined ? { "x-mock-reset-after": String(p.resetAfter) } : {}),
    };
    const r = await streamOnce({ url, headers, signal: controller.signal, keepalive: false });
    const detail = `HTTP ${r.status}, ${r.events} events, ${Math.round(r.durationMs)} ms${r.error ? `, ${r.error}` : ""}`;
    return { outcome: hung ? "hung" : r.end, error: detail, ...(r.status === 0 ? { early: true } : {}) };
  } finally {
    clearTimeout(watchdog);
    if (abort) clearTimeout(abort);
  }
}

export class Tally {
  readonly counts = new Map<string, number>();
  /** What went wrong, for the first few wrong outcomes. */
  readonly examples: string[] = [];
  started = 0;
  finished = 0;
  wrong = 0;
  /** Requests the client gave up on before any response (the proxy may not count them). */
  early = 0;

  add(p: Planned, ran: Ran): void {
    const key = `${p.kind} -> ${ran.outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.finished++;
    if (ran.early) this.early++;
    if (EXPECTED[p.kind].includes(ran.outcome)) return;
    this.wrong++;
    if (this.examples.length < 10) this.examples.push(`${key}: ${JSON.stringify(p)} ${ran.error ?? ""}`);
  }

  count(kind: Kind, outcome: Outcome): number {
    return this.counts.get(`${kind} -> ${outcome}`) ?? 0;
  }

  lines(): string[] {
    return [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([k, v]) =>
          `${k}: ${v}${EXPECTED[k.split(" -> ")[0] as Kind].includes(k.split(" -> ")[1] as Outcome) ? "" : "  <- wrong"}`,
      );
  }
}
