// Shared helpers for the mock-upstream tests: start a mock per file, POST JSON, and split SSE
// text into events (a deliberately tiny reader; the real decoder lives in src/sse/parse.ts).

import { afterAll, beforeAll } from "bun:test";
import { startMockUpstream } from "../../../src/mock-upstream/server.ts";
import type { MockOptions, MockServer } from "../../../src/mock-upstream/types.ts";

/** Starts a mock on 127.0.0.1:0 before the file's tests and stops it after; read `.current`. */
export function useMock(opts: MockOptions = {}): { current: MockServer } {
  const holder = {} as { current: MockServer };
  beforeAll(() => {
    holder.current = startMockUpstream({ port: 0, ...opts });
  });
  afterAll(async () => {
    await holder.current.stop();
  });
  return holder;
}

export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  init: BunFetchRequestInit = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
}

export interface ParsedEvent {
  event?: string;
  data: string;
}

/** Splits SSE text (LF or CRLF) into events. */
export function sseEvents(text: string): ParsedEvent[] {
  return text
    .replaceAll("\r\n", "\n")
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const ev: ParsedEvent = { data: "" };
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) ev.event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      ev.data = data.join("\n");
      return ev;
    });
}

/** JSON payloads of the events, skipping OpenAI's [DONE] sentinel. */
export function sseJson(text: string): Record<string, unknown>[] {
  return sseEvents(text)
    .filter((e) => e.data !== "[DONE]")
    .map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

/** Reads a body to the end and reports whether it ended cleanly or with an error. */
export async function readToEnd(res: Response): Promise<{ text: string; clean: boolean }> {
  const reader = res.body?.getReader();
  if (!reader) return { text: "", clean: true };
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, clean: true };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, clean: false };
  }
}

/** Polls `check` every few ms until it is true or `ms` passed (for effects that follow a disconnect). */
export async function eventually(check: () => boolean, ms = 2000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await Bun.sleep(5);
  }
  return check();
}
