// The log sink writes the lines of one event-loop turn together, in order, once the turn is
// over (never while a request is being answered), at once when a turn writes a lot, and on
// flush(). Waits on the next turn (setImmediate), never on a clock.
import { describe, expect, test } from "bun:test";
import { createLineSink } from "../../../src/log-sink.ts";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function sink() {
  const writes: string[] = [];
  const s = createLineSink(-1, (bytes) => writes.push(new TextDecoder().decode(bytes)));
  return { s, writes };
}

describe("log sink", () => {
  test("the lines of one turn leave in one write after the turn, in order", async () => {
    const { s, writes } = sink();
    s.write("one");
    s.write("two");
    s.write("three");
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(["one\ntwo\nthree\n"]);
    s.write("four");
    await nextTurn();
    expect(writes).toEqual(["one\ntwo\nthree\n", "four\n"]);
  });

  test("flush() writes what is pending at once, and nothing twice", async () => {
    const { s, writes } = sink();
    s.write("a");
    s.flush();
    expect(writes).toEqual(["a\n"]);
    await nextTurn();
    s.flush();
    expect(writes).toEqual(["a\n"]);
  });

  test("a turn that writes more than a mebibyte does not hold it all", () => {
    const { s, writes } = sink();
    const line = "x".repeat(1023);
    for (let i = 0; i < 1100; i++) s.write(line);
    expect(writes.length).toBe(1);
    expect(writes[0]!.length).toBe(1024 * 1024);
  });
});
