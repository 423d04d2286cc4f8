// Test doubles for the telemetry sender: a logger that records lines and an ingestion client
// whose answers (and timing) the test scripts.
import type { Logger } from "../../../src/log.ts";
import type { LangfuseBodies } from "../../../src/telemetry/generation.ts";
import type { BatchClient, SendOutcome } from "../../../src/telemetry/sender.ts";

export function recordingLog(): Logger & {
  lines: { level: string; msg: string }[];
  /** Resolves once a line with this message is logged: an event to wait on, not a sleep. */
  logged(msg: string): Promise<void>;
} {
  const lines: { level: string; msg: string }[] = [];
  const waiters: { msg: string; resolve: () => void }[] = [];
  const at = (level: string) => (msg: string) => {
    lines.push({ level, msg });
    for (const w of waiters.filter((w) => w.msg === msg)) w.resolve();
  };
  return {
    lines,
    logged: (msg) =>
      lines.some((l) => l.msg === msg)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ msg, resolve })),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    enabled: () => true,
  };
}

/** A client whose answers the test scripts; `sent` lists trace ids per batch. */
export function scriptedClient(answers: SendOutcome[]) {
  const sent: string[][] = [];
  let aborted = 0;
  let gate: Promise<void> | undefined;
  let release: (() => void) | undefined;
  const waiters: { n: number; resolve: () => void }[] = [];
  const client: BatchClient<LangfuseBodies> & {
    sent: string[][];
    aborted: () => number;
    hold(p: Promise<void>): void;
    /** Resolves once `n` batches have gone out: the event to wait on instead of a sleep. */
    sends(n: number): Promise<void>;
  } = {
    sent,
    aborted: () => aborted,
    sends(n) {
      if (sent.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    hold(p) {
      // An abort lets a held send finish, as a cancelled fetch would.
      gate = Promise.race([p, new Promise<void>((r) => (release = r))]);
    },
    async send(batch) {
      sent.push(batch.map((b) => b.trace.id));
      for (const w of waiters.filter((w) => sent.length >= w.n)) w.resolve();
      if (gate) await gate;
      return answers.length > 1 ? answers.shift()! : answers[0]!;
    },
    abort() {
      aborted++;
      release?.();
    },
  };
  return client;
}

/** Minimal Langfuse bodies for one trace id, as a sender's build step would make them. */
export function bodiesFor(id: string, bytes: number): LangfuseBodies {
  return {
    trace: { id, name: "n", timestamp: new Date(0), tags: [], metadata: {} },
    generation: {
      id: "g",
      traceId: id,
      name: "n",
      startTime: new Date(0),
      endTime: new Date(0),
      level: "DEFAULT",
      metadata: {},
    },
    bytes,
  };
}
