// Owns the scrub worker threads: a small pool (one per spare core, at most four), started on
// first use, that scrubs big request bodies off the event loop so streams, /health and small
// requests keep flowing while a 10 MiB body full of matches is scrubbed. Promises:
// - jobs run first come, first served, one per worker at a time; a worker never holds a vault;
// - a worker that dies fails its job (the caller scrubs on the main thread instead) and is
//   replaced; workers never keep the process alive;
// - the same answer as scrubbing on the main thread (the same pure payload scrub runs there).
import type { ScrubMode } from "./engine.ts";
import type { MintedIndex } from "./minted-index.ts";
import type { PayloadResult } from "./payload.ts";
import type { Literal } from "./scan.ts";

export interface ScrubJob {
  id: number;
  mode: ScrubMode;
  hmacKey: Uint8Array;
  body: Uint8Array;
  contentType: string | null;
  literals: Literal[];
  maxHits: number;
}

/**
 * A result as it crosses threads: the pseudonyms as a sorted index (two buffers handed over, not
 * half a million strings copied), looked up in place by the main thread (minted-index.ts).
 */
export type WireResult =
  | (Omit<Extract<PayloadResult, { ok: true }>, "minted"> & { minted: MintedIndex })
  | Extract<PayloadResult, { ok: false }>;

/** Every reply hands the job's body back (the main thread gave its buffer away). */
export type JobReply =
  | { id: number; result: WireResult; body: Uint8Array }
  | { id: number; failed: string; body: Uint8Array };

export interface JobOutcome {
  result: WireResult;
  /** The body the job was given, back on this thread (forward it when unchanged). */
  body: Uint8Array;
}

/** A job that failed in the worker; `body` is the job's body when the worker could hand it back. */
export class ScrubJobError extends Error {
  constructor(
    message: string,
    readonly body?: Uint8Array,
  ) {
    super(message);
  }
}

/** `bytes` as the only view of its own buffer, which can then be handed to another thread. */
export function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>;
}

export interface ScrubPool {
  /** Worker threads the pool may run. */
  readonly size: number;
  /** Runs a job; its body's buffer is handed to the worker (and back in the outcome). */
  run(job: Omit<ScrubJob, "id">): Promise<JobOutcome>;
  /** Stops every worker; jobs still queued or running fail. */
  close(): void;
}

interface Pending {
  job: ScrubJob;
  resolve: (r: JobOutcome) => void;
  reject: (e: Error) => void;
}

/** Where the worker's code is: next to this file from source, under the binary's root when compiled. */
export function workerUrl(): string {
  if (import.meta.url.includes("/$bunfs/")) return "./scrub/scrub-worker.ts";
  return new URL("./scrub-worker.ts", import.meta.url).href;
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
}

let shared: ScrubPool | undefined;

/** The process's pool, created on first use (no thread starts before a big body arrives). */
export function sharedPool(): ScrubPool {
  shared ??= createScrubPool();
  return shared;
}

export function createScrubPool(size = defaultPoolSize(), url = workerUrl()): ScrubPool {
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const queue: Pending[] = [];
  let started = 0;
  let nextId = 1;
  let closed = false;

  const start = (): Worker => {
    const w = new Worker(url);
    // Bun's Worker can be unref'd like a timer; the DOM typing does not say so.
    (w as unknown as { unref(): void }).unref();
    started++;
    w.onmessage = (event: MessageEvent<JobReply>) => {
      const p = busy.get(w);
      busy.delete(w);
      if (p) {
        const reply = event.data;
        if ("failed" in reply) p.reject(new ScrubJobError(reply.failed, reply.body));
        else p.resolve({ result: reply.result, body: reply.body });
      }
      idle.push(w);
      pump();
    };
    w.onerror = (event: ErrorEvent) => {
      const p = busy.get(w);
      busy.delete(w);
      started--;
      w.terminate();
      p?.reject(new ScrubJobError(`scrub worker failed: ${event.message}`));
      pump();
    };
    return w;
  };

  const pump = () => {
    while (queue.length > 0 && !closed) {
      const w = idle.pop() ?? (started < size ? start() : undefined);
      if (w === undefined) return;
      const p = queue.shift()!;
      busy.set(w, p);
      w.postMessage(p.job, [p.job.body.buffer as ArrayBuffer]);
    }
  };

  return {
    size,
    run(job) {
      if (closed) return Promise.reject(new Error("scrub pool closed"));
      return new Promise((resolve, reject) => {
        queue.push({ job: { ...job, body: ownBuffer(job.body), id: nextId++ }, resolve, reject });
        pump();
      });
    },
    close() {
      closed = true;
      for (const p of queue.splice(0)) p.reject(new Error("scrub pool closed"));
      for (const [w, p] of busy) {
        p.reject(new Error("scrub pool closed"));
        w.terminate();
      }
      busy.clear();
      for (const w of idle.splice(0)) w.terminate();
    },
  };
}
