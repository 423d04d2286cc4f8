// Test doubles for the telemetry sender: a logger that records lines and an ingestion client
// whose answers (and timing) the test scripts.
import type { Logger } from "../../../src/log.ts";
import type { IngestionClient, SendOutcome } from "../../../src/telemetry/client.ts";

export function recordingLog(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  return {
    lines,
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
  let pending: string[] = [];
  let aborted = 0;
  let gate: Promise<void> | undefined;
  let release: (() => void) | undefined;
  const client: IngestionClient & { sent: string[][]; aborted: () => number; hold(p: Promise<void>): void } =
    {
      sent,
      aborted: () => aborted,
      hold(p) {
        // An abort lets a held send finish, as a cancelled fetch would.
        gate = Promise.race([p, new Promise<void>((r) => (release = r))]);
      },
      add(trace) {
        pending.push(trace.id);
      },
      async send() {
        const batch = pending;
        pending = [];
        sent.push(batch);
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
