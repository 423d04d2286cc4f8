import { describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import type { RecordedRequest } from "../../../src/mock-upstream/types.ts";
import { postJson, useMock } from "./helpers.ts";

const mock = useMock();
const recorded = async (): Promise<RecordedRequest[]> =>
  (await (await fetch(`${mock.current.url}/__mock/requests`)).json()).requests;
const reset = () => fetch(`${mock.current.url}/__mock/reset`, { method: "POST" });

describe("request log and introspection", () => {
  test("records method, path, query, headers, body and time, but not /__mock calls", async () => {
    await reset();
    const before = Date.now();
    await (
      await postJson(
        `${mock.current.url}/v1/messages?beta=true`,
        { model: "m", messages: [] },
        { "x-api-key": "k" },
      )
    ).text();
    const [entry, ...rest] = await recorded();
    expect(rest).toHaveLength(0);
    expect(entry).toMatchObject({
      method: "POST",
      path: "/v1/messages",
      query: { beta: "true" },
      body: '{"model":"m","messages":[]}',
      bodyTruncated: false,
      status: 200,
      aborted: false,
    });
    expect(entry?.headers["x-api-key"]).toBe("k");
    expect(entry?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(mock.current.requests.at(-1)?.id).toBe(entry?.id ?? "");
  });

  test("cuts recorded bodies at 64 KB and decodes gzip request bodies", async () => {
    await reset();
    const big = JSON.stringify({ model: "m", messages: [{ role: "user", content: "z".repeat(70_000) }] });
    await (await postJson(`${mock.current.url}/v1/chat/completions`, big)).text();
    const zipped = gzipSync(JSON.stringify({ model: "m", messages: [{ role: "user", content: "zipped" }] }));
    const res = await fetch(`${mock.current.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: zipped,
    });
    expect((await res.json()).choices[0].message.content).toContain("zipped");
    const [first, second] = await recorded();
    expect(first?.body.length).toBe(64 * 1024);
    expect(first?.bodyTruncated).toBe(true);
    expect(second?.body).toContain("zipped");
  });

  test("keeps only the last 200 requests", async () => {
    await reset();
    await Promise.all(
      Array.from({ length: 205 }, (_, i) =>
        fetch(`${mock.current.url}/v1/models?i=${i}`).then((r) => r.text()),
      ),
    );
    expect(await recorded()).toHaveLength(200);
    expect(mock.current.requests).toHaveLength(200);
  });

  test("forgets everything on POST /__mock/reset", async () => {
    await (await fetch(`${mock.current.url}/v1/models`)).text();
    expect(await (await reset()).json()).toEqual({ ok: true });
    expect(await recorded()).toEqual([]);
  });

  test("answers unknown paths with 404 JSON carrying the mock headers", async () => {
    for (const path of ["/nope", "/__mock/nope", "/v1/unknown"]) {
      const res = await fetch(`${mock.current.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toStartWith("application/json");
      expect(res.headers.get("x-mock-upstream")).toBe("1");
      expect(res.headers.get("x-request-id")).toBeTruthy();
      await res.json();
    }
  });

  test("answers HEAD with the GET headers and no body", async () => {
    const get = await fetch(`${mock.current.url}/v1/models`);
    const getLength = (await get.arrayBuffer()).byteLength;
    const head = await fetch(`${mock.current.url}/v1/models`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
    expect(Number(head.headers.get("content-length"))).toBe(getLength);
    expect(head.headers.get("x-mock-upstream")).toBe("1");
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  test("gives every response a distinct x-request-id", async () => {
    const a = await fetch(`${mock.current.url}/v1/models`);
    const b = await fetch(`${mock.current.url}/__mock/requests`);
    await Promise.all([a.text(), b.text()]);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});
