import { describe, expect, test } from "bun:test";
import { postJson, useMock } from "./helpers.ts";

const mock = useMock();
const anthropicBody = { model: "claude-x", max_tokens: 8, messages: [{ role: "user", content: "hi" }] };

describe("x-mock-status", () => {
  test("answers the Nth request with the Nth status, then repeats the last one", async () => {
    const headers = {
      "x-mock-status": "529,503,200",
      "x-mock-key": "order",
      "anthropic-version": "2023-06-01",
    };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postJson(`${mock.current.url}/v1/messages`, anthropicBody, headers);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([529, 503, 200, 200]);
  });

  test("renders a scripted error in the API's own format and passes x-mock-retry-after on", async () => {
    const retry = { "x-mock-retry-after": "2" };
    const a = await postJson(`${mock.current.url}/v1/messages`, anthropicBody, {
      "x-mock-status": "529",
      ...retry,
    });
    expect(a.headers.get("retry-after")).toBe("2");
    expect(await a.json()).toMatchObject({ type: "error", error: { type: "overloaded_error" } });

    const o = await postJson(
      `${mock.current.url}/v1/chat/completions`,
      {},
      { "x-mock-status": "429", ...retry },
    );
    expect(o.status).toBe(429);
    expect(o.headers.get("retry-after")).toBe("2");
    expect(await o.json()).toMatchObject({ error: { code: "rate_limit_exceeded" } });

    const g = await postJson(
      `${mock.current.url}/v1beta/models/g:generateContent`,
      {},
      { "x-mock-status": "503" },
    );
    expect(g.headers.get("retry-after")).toBeNull();
    expect(await g.json()).toEqual({
      error: { code: 503, message: expect.any(String), status: "UNAVAILABLE" },
    });
  });

  test("counts each x-mock-key on its own and starts over after POST /__mock/reset", async () => {
    const send = async (key: string) => {
      const res = await postJson(
        `${mock.current.url}/v1/chat/completions`,
        {},
        { "x-mock-status": "500,401", "x-mock-key": key },
      );
      await res.arrayBuffer();
      return res.status;
    };
    expect(await send("a")).toBe(500);
    expect(await send("b")).toBe(500);
    expect(await send("a")).toBe(401);
    await fetch(`${mock.current.url}/__mock/reset`, { method: "POST" });
    expect(await send("a")).toBe(500);
  });

  test("answers a bad knob header with a 400 that names it", async () => {
    const res = await postJson(`${mock.current.url}/v1/chat/completions`, {}, { "x-mock-events": "lots" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("x-mock-events");
  });
});
