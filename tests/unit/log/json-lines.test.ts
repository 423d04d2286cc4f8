// A JSON log line is the object {time, level, msg, ...fields} as one line, whichever way it is
// built: the fast path that skips copying the fields must write the very same thing.
import { describe, expect, test } from "bun:test";
import { createLogger } from "../../../src/log.ts";

const at = new Date("2026-12-04T10:00:00.123Z");

function lines(fields?: Record<string, unknown>) {
  const out: string[] = [];
  const log = createLogger({ level: "info", format: "json", write: (l) => out.push(l), now: () => at });
  log.info("request", fields);
  return out;
}

describe("JSON log lines", () => {
  test("time, level and msg come first, then the fields in their order, undefined ones left out", () => {
    const [line] = lines({
      id: "r1",
      client: undefined,
      status: 200,
      scrub_hits: { aws: 2 },
      note: 'a "quoted"\nline',
    });
    expect(line).toBe(
      '{"time":"2026-12-04T10:00:00.123Z","level":"info","msg":"request","id":"r1","status":200,"scrub_hits":{"aws":2},"note":"a \\"quoted\\"\\nline"}',
    );
    expect(JSON.parse(line!)).toEqual(
      JSON.parse(
        JSON.stringify({
          time: at.toISOString(),
          level: "info",
          msg: "request",
          id: "r1",
          status: 200,
          scrub_hits: { aws: 2 },
          note: 'a "quoted"\nline',
        }),
      ),
    );
  });

  test("no fields, or only undefined ones, still make valid JSON", () => {
    expect(lines()).toEqual(['{"time":"2026-12-04T10:00:00.123Z","level":"info","msg":"request"}']);
    expect(JSON.parse(lines({ a: undefined })[0]!)).toEqual({
      time: at.toISOString(),
      level: "info",
      msg: "request",
    });
  });

  test("a field named like a head field replaces it, as in the object spread", () => {
    expect(JSON.parse(lines({ msg: "other", time: "t" })[0]!)).toEqual({
      time: "t",
      level: "info",
      msg: "other",
    });
  });

  test("the time follows the clock from one line to the next", () => {
    const out: string[] = [];
    let t = at.getTime();
    const log = createLogger({
      level: "info",
      format: "json",
      write: (l) => out.push(l),
      now: () => new Date(t),
    });
    log.info("a");
    t += 1;
    log.info("b");
    expect(out.map((l) => JSON.parse(l).time)).toEqual([
      "2026-12-04T10:00:00.123Z",
      "2026-12-04T10:00:00.124Z",
    ]);
  });
});
