// The skimmer gives exactly the SseDecoder's events minus the skipped names, for the recorded
// transcripts and for generated streams (every line ending, comments, id and retry, a split
// byte-order mark, multi-byte text, data before the name) cut at random points.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SseSkimmer } from "../../../src/sse/skim.ts";
import type { SseEvent } from "../../../src/sse/types.ts";
import { bytes, decodeAll } from "./decode-all.ts";

const SKIP = new Set(["content_block_delta", "content_block_start", "content_block_stop", "ping"]);

function skimAll(chunks: Uint8Array[], skip: ReadonlySet<string> = SKIP, maxEventBytes?: number): SseEvent[] {
  const s = new SseSkimmer(skip, maxEventBytes === undefined ? {} : { maxEventBytes });
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...s.push(c));
  out.push(...s.finish());
  return out;
}

const kept = (events: SseEvent[], skip: ReadonlySet<string> = SKIP) =>
  events.filter((e) => !skip.has(e.event ?? ""));

/** Deterministic PRNG (mulberry32), so a failure always reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function split(data: Uint8Array, rand: () => number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let pos = 0; pos < data.length; ) {
    const len = 1 + Math.floor(rand() * Math.min(48, data.length - pos));
    parts.push(data.slice(pos, pos + len));
    pos += len;
  }
  return parts;
}

const NAMES = ["message_start", "content_block_delta", "ping", "message_delta", "error", "", "naïve"];
const TEXTS = ['{"type":"x","text":"hi"}', "α β", "🎉 end", "", "a:b: c", " leading space", "\u00e9t\u00e9"];

/** A random stream of events, each name given at most once (before or after its data). */
function stream(rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const eol = () => pick(["\n", "\r", "\r\n"]);
  let out = rand() < 0.2 ? "\uFEFF" : "";
  const events = 1 + Math.floor(rand() * 12);
  for (let i = 0; i < events; i++) {
    const lines: string[] = [];
    const name = pick(NAMES);
    if (rand() < 0.3) lines.push(`: comment ${i}`);
    if (rand() < 0.2) lines.push(`id: ${i}`);
    if (rand() < 0.1) lines.push(`retry: ${100 * i}`);
    const data = Array.from(
      { length: Math.floor(rand() * 3) },
      () => `data:${rand() < 0.5 ? " " : ""}${pick(TEXTS)}`,
    );
    if (rand() < 0.2) lines.push("data");
    const named = name === "" ? [] : [`event: ${name}`];
    lines.push(...(rand() < 0.8 ? [...named, ...data] : [...data, ...named]));
    let text = "";
    let last = "";
    for (const l of lines) {
      last = eol();
      text += l + last;
    }
    // The blank line: after a CR, an LF would only complete that CR's CRLF and join two events.
    const blank = last === "\r" ? pick(["\r", "\r\n"]) : eol();
    out += text + (i === events - 1 && rand() < 0.2 ? "" : blank);
  }
  return out;
}

describe("SseSkimmer", () => {
  test("the recorded transcripts decode as SseDecoder decodes them, minus the skipped names", () => {
    const dir = join(import.meta.dir, "../../fixtures/usage");
    const files = readdirSync(dir).filter((f) => f.endsWith(".sse"));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const rand = rng(7);
    for (const f of files) {
      const data = new Uint8Array(readFileSync(join(dir, f)));
      const want = kept(decodeAll([data]));
      expect(skimAll([data])).toEqual(want);
      for (let i = 0; i < 20; i++) expect(skimAll(split(data, rand))).toEqual(want);
    }
  });

  test("generated streams, cut anywhere, agree with SseDecoder", () => {
    const rand = rng(42);
    for (let i = 0; i < 500; i++) {
      const data = bytes(stream(rand));
      const want = kept(decodeAll([data]));
      expect(skimAll(split(data, rand))).toEqual(want);
      expect(skimAll([data])).toEqual(want);
    }
  });

  test("with nothing to skip it is SseDecoder", () => {
    const rand = rng(3);
    for (let i = 0; i < 100; i++) {
      const data = bytes(stream(rand));
      expect(skimAll(split(data, rand), new Set())).toEqual(decodeAll([data]));
    }
  });

  test("a byte-order mark split over three chunks is still dropped", () => {
    const data = bytes("\uFEFFevent: message_stop\ndata: x\n\n");
    const parts = [data.slice(0, 1), data.slice(1, 2), data.slice(2)];
    expect(skimAll(parts)).toEqual([{ event: "message_stop", data: "x" }]);
  });

  test("an event over the size limit is dropped and counted, the next one kept", () => {
    const big = `event: message_delta\ndata: ${"x".repeat(200)}\n\nevent: message_stop\ndata: ok\n\n`;
    const s = new SseSkimmer(SKIP, { maxEventBytes: 100 });
    const out = [...s.push(bytes(big)), ...s.finish()];
    expect(out).toEqual([{ event: "message_stop", data: "ok" }]);
    expect(s.dropped).toBe(1);
  });

  test("a skipped event stays skipped when a later line renames it", () => {
    const text = "event: ping\ndata: a\nevent: message_delta\ndata: b\n\nevent: message_stop\ndata: c\n\n";
    expect(skimAll([bytes(text)])).toEqual([{ event: "message_stop", data: "c" }]);
  });
});
