import { describe, expect, test } from "bun:test";
import { eventually, postJson, useMock } from "./helpers.ts";

const mock = useMock();
const streamed = { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] };

describe("client aborts", () => {
  test("a client leaving mid-stream is recorded as aborted", async () => {
    const controller = new AbortController();
    const res = await postJson(
      `${mock.current.url}/v1/chat/completions`,
      streamed,
      { "x-mock-gap-ms": "30", "x-mock-events": "50" },
      {
        signal: controller.signal,
      },
    );
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    const entry = mock.current.requests.at(-1);
    expect(await eventually(() => entry?.aborted === true)).toBe(true);
  });

  test("a client leaving during the latency wait is recorded as aborted", async () => {
    const controller = new AbortController();
    const pending = postJson(
      `${mock.current.url}/v1/chat/completions`,
      streamed,
      { "x-mock-latency-ms": "5000" },
      {
        signal: controller.signal,
      },
    ).catch(() => undefined);
    expect(
      await eventually(() => mock.current.requests.at(-1)?.headers["x-mock-latency-ms"] === "5000"),
    ).toBe(true);
    controller.abort();
    await pending;
    const entry = mock.current.requests.at(-1);
    expect(await eventually(() => entry?.aborted === true)).toBe(true);
  });

  test("a stream read to the end is not marked aborted", async () => {
    const res = await postJson(`${mock.current.url}/v1/chat/completions`, streamed);
    await res.text();
    // No wait needed: the mock settles the outcome ("complete") before it closes the body, and
    // a settled stream ignores a later abort or cancel, so this is already final.
    expect(mock.current.requests.at(-1)?.aborted).toBe(false);
  });
});
