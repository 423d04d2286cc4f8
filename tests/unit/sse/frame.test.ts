import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type SseFrame, SseFramer } from "../../../src/sse/frame.ts";
import type { SseEvent } from "../../../src/sse/types.ts";
import { bytes, decodeAll } from "./decode-all.ts";

const dir = join(import.meta.dir, "../../fixtures/usage");
const transcripts = readdirSync(dir)
  .filter((f) => f.endsWith(".sse"))
  .map((f) => ({ name: f, data: new Uint8Array(readFileSync(join(dir, f))) }));

// Every rule at once: BOM, comments in and between blocks, id, retry, unknown fields, blocks
// without data, CR/LF/CRLF, multi-line data, a last event without its blank line.
const edge = bytes(
  "\uFEFF: hello\r\nid: 1\rretry: 300\nevent: a\r\ndata: α\r\n: inside\r\ndata:β\nfoo: bar\n\n:c\r\r" +
    "id: 9\n\nevent: x\nretry: 5\n\ndata: 🎉 end\r\n\r\n: OPENROUTER PROCESSING\n\ndata: tail",
);

function frameAll(chunks: readonly Uint8Array[], max = 1 << 20) {
  const framer = new SseFramer(max);
  const frames: SseFrame[] = [];
  for (const c of chunks) frames.push(...framer.push(c));
  frames.push(...framer.finish());
  const events: SseEvent[] = [];
  const out: Uint8Array[] = [];
  for (const f of frames) {
    if (f.kind === "event") {
      events.push(f.event);
      out.push(...f.lines.map((l) => l.bytes));
    } else out.push(f.bytes);
  }
  const bytes: Uint8Array = new Uint8Array(Buffer.concat(out));
  return { frames, events, bytes };
}

describe("SseFramer", () => {
  for (const { name, data } of [...transcripts, { name: "edge", data: edge }]) {
    test(`${name}: at every split in two, the bytes come out unchanged and decode as SseDecoder does`, () => {
      const events = decodeAll([data]);
      for (let i = 0; i <= data.length; i++) {
        const got = frameAll([data.subarray(0, i), data.subarray(i)]);
        expect(got.bytes).toEqual(data);
        expect(got.events).toEqual(events);
      }
    });

    test(`${name}: one byte at a time gives the same`, () => {
      const got = frameAll([...data].map((b) => new Uint8Array([b])));
      expect(got.bytes).toEqual(data);
      expect(got.events).toEqual(decodeAll([data]));
    });
  }

  test("random streams of fields, comments and line ends, cut at random, come out unchanged", () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pieces = [
      "data",
      "data:",
      "data: ",
      "event: e",
      "id: 1",
      "retry: 9",
      ": c",
      "x",
      "é",
      "\r",
      "\n",
      "\r\n",
      "\n\n",
      "\uFEFF",
    ];
    for (let round = 0; round < 500; round++) {
      let text = "";
      for (let k = 0; k < 30; k++) text += pieces[Math.floor(rand() * pieces.length)];
      const data = bytes(text);
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < data.length; ) {
        const len = 1 + Math.floor(rand() * 8);
        chunks.push(data.subarray(i, i + len));
        i += len;
      }
      const got = frameAll(chunks);
      expect(got.bytes).toEqual(data);
      expect(got.events).toEqual(decodeAll([data]));
    }
  });

  test("a comment between events goes out at once, even before its line ends", () => {
    const framer = new SseFramer(1024);
    expect(framer.push(bytes("data: a\n\n: OPENROUTER"))).toMatchObject([
      { kind: "event" },
      { kind: "raw", bytes: bytes(": OPENROUTER") },
    ]);
    expect(framer.push(bytes(" PROCESSING\n"))).toEqual([{ kind: "raw", bytes: bytes(" PROCESSING\n") }]);
    expect(framer.push(bytes("\n"))).toEqual([{ kind: "raw", bytes: bytes("\n") }]);
  });

  test("a comment inside a block stays in its place", () => {
    const [frame] = new SseFramer(1024).push(bytes("event: e\n: note\ndata: x\n\n"));
    expect(frame?.kind === "event" && frame.lines.map((l) => l.field)).toEqual(["event", "", "data", ""]);
  });

  test("the LF of a CRLF split across chunks follows its CR", () => {
    const framer = new SseFramer(1024);
    expect(framer.push(bytes(": ping\r"))).toEqual([{ kind: "raw", bytes: bytes(": ping\r") }]);
    expect(framer.push(bytes("\ndata: a\r"))).toEqual([{ kind: "raw", bytes: bytes("\n") }]);
    const [ev] = framer.push(bytes("\n\r\n"));
    expect(ev?.kind === "event" && Buffer.concat(ev.lines.map((l) => l.bytes)).toString()).toBe(
      "data: a\r\n\r\n",
    );
    expect(framer.eol).toBe("\r\n");
  });

  test("a block without data goes out as it came, at its blank line", () => {
    expect(frameAll([bytes("id: 7\nretry: 10\n\n")]).frames).toEqual([
      { kind: "raw", bytes: bytes("id: 7\nretry: 10\n\n") },
    ]);
  });

  test("a block over the cap is passed on as it arrives, and the next one is decoded again", () => {
    const big = `data: ${"x".repeat(100)}\n`;
    const data = bytes(`event: big\n${big}${big}\ndata: next\n\n`);
    const got = frameAll([data.subarray(0, 50), data.subarray(50, 150), data.subarray(150)], 64);
    expect(got.bytes).toEqual(data);
    expect(got.frames[0]?.kind).toBe("oversized");
    expect(got.events).toEqual([{ data: "next" }]);
  });

  test("reports a stream that ended inside a line or a block", () => {
    const framer = new SseFramer(1024);
    framer.push(bytes("data: a\n\ndata: b"));
    framer.finish();
    expect([framer.endedMidLine, framer.endedInBlock]).toEqual([true, true]);
    const clean = new SseFramer(1024);
    clean.push(bytes("data: a\n\n"));
    clean.finish();
    expect([clean.endedMidLine, clean.endedInBlock]).toEqual([false, false]);
  });
});
