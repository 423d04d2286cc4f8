import { describe, expect, test } from "bun:test";
import { bytes, decodeAll } from "./decode-all.ts";

const expected = [{ event: "a", data: "1\n2" }, { data: "3" }];

describe("SseDecoder line endings", () => {
  test("accepts LF, CR and CRLF alike", () => {
    for (const eol of ["\n", "\r", "\r\n"]) {
      const text = ["event: a", "data: 1", "data: 2", "", "data: 3", "", ""].join(eol);
      expect(decodeAll([text])).toEqual(expected);
    }
  });

  test("accepts a mix of endings in one stream", () => {
    expect(decodeAll(["event: a\rdata: 1\r\ndata: 2\n\r\ndata: 3\r\r"])).toEqual(expected);
  });

  test("a CRLF split across chunks is one line ending, not two", () => {
    expect(decodeAll(["data: x\r", "\ndata: y\r", "\n\r", "\n"])).toEqual([{ data: "x\ny" }]);
    expect(decodeAll([bytes("data: x\r"), bytes("\n"), bytes("data: y\r\n\r"), bytes("\n")])).toEqual([
      { data: "x\ny" },
    ]);
  });

  test("a CR at the end of a chunk followed by an empty chunk keeps waiting for its LF", () => {
    expect(decodeAll(["data: x\r", "", "\n\r\n"])).toEqual([{ data: "x" }]);
  });

  test("a lone CR at the end of a chunk still ends the line", () => {
    expect(decodeAll(["data: x\r", "\rdata: y\r\r"])).toEqual([{ data: "x" }, { data: "y" }]);
  });
});
