import { describe, expect, test } from "bun:test";
import { encodeSse } from "../../../src/sse/encode.ts";

describe("encodeSse", () => {
  test("writes event and data lines and ends with a blank line", () => {
    expect(encodeSse({ event: "ping", data: '{"type":"ping"}' })).toBe(
      'event: ping\ndata: {"type":"ping"}\n\n',
    );
  });

  test("writes a bare data event when no event name is given", () => {
    expect(encodeSse({ data: "[DONE]" })).toBe("data: [DONE]\n\n");
  });

  test("splits multi-line data into several data lines whatever the line ending", () => {
    expect(encodeSse({ data: "a\nb\r\nc\rd" })).toBe("data: a\ndata: b\ndata: c\ndata: d\n\n");
  });

  test("writes id and retry, and drops line breaks that would split a field", () => {
    expect(encodeSse({ event: "x\ny", id: "1\r2", retry: 3000, data: "" })).toBe(
      "event: xy\nid: 12\nretry: 3000\ndata: \n\n",
    );
  });

  test("leaves out a retry that is not a non-negative integer", () => {
    expect(encodeSse({ data: "d", retry: 1.5 })).toBe("data: d\n\n");
  });
});
