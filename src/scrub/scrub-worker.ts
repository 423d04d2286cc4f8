// Entry point of a scrub worker thread (src/scrub/pool.ts starts it). Runs the pure payload scrub
// on a body handed over by the main thread and posts the result back, so a big or match-heavy
// body never blocks the event loop that serves every other client. Holds no state but its engines
// (one per mode and key, with their memo of pseudonyms); the vault stays on the main thread.
// Also an entry point of the compiled binary (see the Makefile's build line).
import { createEngine, type Engine } from "./engine.ts";
import { encodeMinted } from "./minted-index.ts";
import { scrubPayload } from "./payload.ts";
import { type JobReply, ownBuffer, type ScrubJob } from "./pool.ts";

declare const self: Worker;

const engines = new Map<string, Engine>();

function engineFor(job: ScrubJob): Engine {
  const id = `${job.mode}:${Buffer.from(job.hmacKey).toString("hex")}`;
  let engine = engines.get(id);
  if (engine === undefined) {
    engine = createEngine({ mode: job.mode, hmacKey: job.hmacKey });
    engines.set(id, engine);
  }
  return engine;
}

self.onmessage = (event: MessageEvent<ScrubJob>) => {
  const job = event.data;
  let reply: JobReply;
  const transfer: ArrayBuffer[] = [job.body.buffer as ArrayBuffer];
  try {
    const r = scrubPayload(engineFor(job), job.body, job.contentType, {
      literals: job.literals,
      maxHits: job.maxHits,
    });
    if (r.ok) {
      const { bytes } = r;
      const out = bytes === undefined ? undefined : ownBuffer(bytes);
      const minted = encodeMinted(r.minted);
      if (out) transfer.push(out.buffer);
      transfer.push(minted.bytes.buffer as ArrayBuffer, minted.offsets.buffer as ArrayBuffer);
      reply = { id: job.id, result: { ...r, bytes: out, minted }, body: job.body };
    } else reply = { id: job.id, result: r, body: job.body };
  } catch (err) {
    reply = { id: job.id, failed: err instanceof Error ? err.message : String(err), body: job.body };
  }
  self.postMessage(reply, transfer);
};
