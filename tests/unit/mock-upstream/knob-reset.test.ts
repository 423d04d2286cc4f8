import { describe, expect, test } from "bun:test";
import { postJson, readToEnd, sseEvents, useMock } from "./helpers.ts";

const mock = useMock();
const chat = { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] };

describe("x-mock-reset-after", () => {
  test("cuts a stream after N events so the client sees an error, not a clean end", async () => {
    const res = await postJson(`${mock.current.url}/v1/chat/completions`, chat, {
      "x-mock-reset-after": "3",
    });
    expect(res.status).toBe(200);
    const { text, clean } = await readToEnd(res);
    expect(clean).toBe(false);
    expect(sseEvents(text)).toHaveLength(3);
    expect(text).not.toContain("[DONE]");
  });

  test("still cuts when N is past the last event, so even a complete-looking stream ends abnormally", async () => {
    const res = await postJson(`${mock.current.url}/v1/chat/completions`, chat, {
      "x-mock-reset-after": "1000",
      "x-mock-events": "2",
    });
    const { text, clean } = await readToEnd(res);
    expect(text).toContain("[DONE]");
    expect(clean).toBe(false);
  });

  test("drops the connection before any response byte when N is 0", async () => {
    const outcome = await postJson(`${mock.current.url}/v1/chat/completions`, chat, {
      "x-mock-reset-after": "0",
    }).then(
      () => "response",
      () => "network error",
    );
    expect(outcome).toBe("network error");
  });

  test("cuts a non-streamed body halfway", async () => {
    const res = await postJson(
      `${mock.current.url}/v1/chat/completions`,
      { ...chat, stream: false },
      { "x-mock-reset-after": "1" },
    );
    const { text, clean } = await readToEnd(res);
    expect(clean).toBe(false);
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text)).toThrow();
  });

  test("cuts a gzip stream the same way", async () => {
    const res = await postJson(`${mock.current.url}/v1/chat/completions`, chat, {
      "x-mock-reset-after": "2",
      "x-mock-gzip": "1",
    });
    expect((await readToEnd(res)).clean).toBe(false);
  });
});
