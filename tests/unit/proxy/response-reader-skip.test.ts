// The response reader decodes only what its consumers look at: events every consumer skips
// never reach them (nor are they decoded); one consumer that wants everything gets everything.
import { describe, expect, test } from "bun:test";
import { fanOut, type ResponseConsumer } from "../../../src/proxy/observe.ts";
import { createResponseReader } from "../../../src/proxy/response-reader.ts";
import type { SseEvent } from "../../../src/sse/types.ts";

const STREAM =
  'event: message_start\ndata: {"a":1}\n\nevent: ping\ndata: {}\n\n' +
  'event: content_block_delta\ndata: {"t":"x"}\n\nevent: message_stop\ndata: {}\n\n';

function collect(skip?: ReadonlySet<string>) {
  const seen: SseEvent[] = [];
  const consumer: ResponseConsumer = { event: (ev) => seen.push(ev), ...(skip ? { skip } : {}) };
  return { consumer, names: () => seen.map((e) => e.event) };
}

function read(consumer: ResponseConsumer) {
  const reader = createResponseReader(consumer, {
    contentType: "text/event-stream",
    contentEncoding: null,
    maxBytes: 1 << 20,
  });
  const bytes = new TextEncoder().encode(STREAM);
  reader.push(bytes.subarray(0, 30));
  reader.push(bytes.subarray(30));
  reader.end();
}

describe("response reader and skipped events", () => {
  test("events the consumer skips are not delivered, the rest are", () => {
    const c = collect(new Set(["ping", "content_block_delta"]));
    read(fanOut([c.consumer], () => {})!);
    expect(c.names()).toEqual(["message_start", "message_stop"]);
  });

  test("only what every consumer skips is left out", () => {
    const a = collect(new Set(["ping", "content_block_delta"]));
    const b = collect(new Set(["ping"]));
    read(fanOut([a.consumer, b.consumer], () => {})!);
    expect(b.names()).toEqual(["message_start", "content_block_delta", "message_stop"]);
  });

  test("a consumer without a skip list gets every event, and so does its neighbour", () => {
    const a = collect(new Set(["ping", "content_block_delta"]));
    const b = collect();
    read(fanOut([a.consumer, b.consumer], () => {})!);
    expect(b.names()).toEqual(["message_start", "ping", "content_block_delta", "message_stop"]);
  });

  test("a consumer that throws is reported and the others still get the event", () => {
    const errors: string[] = [];
    const b = collect();
    const thrower: ResponseConsumer = {
      event: () => {
        throw new Error("boom");
      },
    };
    read(fanOut([thrower, b.consumer], (where) => errors.push(where))!);
    expect(b.names()).toHaveLength(4);
    expect(errors).toEqual(["consumer.event", "consumer.event", "consumer.event", "consumer.event"]);
  });
});
