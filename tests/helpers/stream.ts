// Helpers for streamed responses: SSE bodies from a test upstream that the test can drive
// step by step, and readers that see chunks as they arrive.

/** A stream the test writes into; `close` ends it cleanly, `fail` cuts it abnormally. */
export function controlledStream() {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  const enc = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      ctrl = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  return {
    stream,
    send: (text: string) => ctrl.enqueue(enc.encode(text)),
    close: () => ctrl.close(),
    fail: () => ctrl.error(new Error("reset by test")),
    get cancelled() {
      return cancelled;
    },
  };
}

export const sseHeaders = { "content-type": "text/event-stream", "cache-control": "no-cache" };

/** Reads a body to the end; resolves with the text and whether it ended cleanly. */
export async function readAll(body: ReadableStream<Uint8Array>): Promise<{ text: string; clean: boolean }> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, clean: true };
      text += dec.decode(value, { stream: true });
    }
  } catch {
    return { text, clean: false };
  }
}

export async function until(cond: () => boolean, timeoutMs = 3000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}
