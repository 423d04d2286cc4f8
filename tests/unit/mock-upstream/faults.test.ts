import { beforeEach, describe, expect, test } from "bun:test";
import { FaultTable, parseFaults, presentedKey } from "../../../src/mock-upstream/faults.ts";
import { postJson, useMock } from "./helpers.ts";

const mock = useMock();
const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
const setFaults = (faults: unknown) => postJson(`${mock.current.url}/__mock/faults`, { faults });

describe("the fault table, parsed", () => {
  test("takes a status or a list, with key, model, path and retryAfter", () => {
    expect(parseFaults({ faults: [{ key: "k", status: 429, retryAfter: "3" }] })).toEqual({
      ok: true,
      faults: [{ key: "k", status: [429], retryAfter: "3" }],
    });
    expect(parseFaults({ faults: [{ model: "m", path: "/v1/x", status: [503, 200] }] })).toMatchObject({
      ok: true,
    });
  });

  test("names what is wrong", () => {
    expect(parseFaults({})).toMatchObject({ ok: false });
    expect(parseFaults({ faults: [{ status: 99 }] })).toEqual({
      ok: false,
      message: "faults[0].status must be a status or a list of statuses (200-599)",
    });
    expect(parseFaults({ faults: [{ status: 500, key: 7 }] })).toEqual({
      ok: false,
      message: "faults[0].key must be a string",
    });
  });
});

describe("the fault table, matched", () => {
  test("the first matching fault counts its own requests; its last status repeats", () => {
    const t = new FaultTable();
    t.set([
      { key: "a", status: [429, 500] },
      { model: "m", status: [503] },
    ]);
    expect(t.next({ key: "a", path: "/" })?.status).toBe(429);
    expect(t.next({ key: "a", model: "m", path: "/" })?.status).toBe(500);
    expect(t.next({ key: "a", path: "/" })?.status).toBe(500);
    expect(t.next({ key: "b", model: "m", path: "/" })?.status).toBe(503);
    expect(t.next({ key: "b", path: "/" })).toBeUndefined();
  });

  test("reads the key from whichever header carries it", () => {
    expect(presentedKey(new Headers({ authorization: "Bearer sk-1" }))).toBe("sk-1");
    expect(presentedKey(new Headers({ "x-api-key": "sk-2" }))).toBe("sk-2");
    expect(presentedKey(new Headers({ "x-goog-api-key": "g-3" }))).toBe("g-3");
    expect(presentedKey(new Headers())).toBe("");
  });
});

describe("POST /__mock/faults", () => {
  beforeEach(async () => {
    await fetch(`${mock.current.url}/__mock/reset`, { method: "POST" });
  });

  test("fails requests by key, each in its API's own error format, with retry-after", async () => {
    expect((await setFaults([{ key: "sk-bad", status: 429, retryAfter: "9" }])).status).toBe(200);
    const bad = await postJson(`${mock.current.url}/v1/chat/completions`, chat, {
      authorization: "Bearer sk-bad",
    });
    expect(bad.status).toBe(429);
    expect(bad.headers.get("retry-after")).toBe("9");
    expect((await bad.json()).error.type).toBeDefined();
    const good = await postJson(`${mock.current.url}/v1/chat/completions`, chat, {
      authorization: "Bearer sk-ok",
    });
    expect(good.status).toBe(200);
  });

  test("fails requests by model, also on the Gemini path", async () => {
    await setFaults([
      { model: "gemini-2.5-flash", status: 503 },
      { model: "gpt-4o", status: [500, 200] },
    ]);
    const gemini = await postJson(`${mock.current.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      contents: [{ parts: [{ text: "hi" }] }],
    });
    expect(gemini.status).toBe(503);
    expect((await postJson(`${mock.current.url}/v1/chat/completions`, chat)).status).toBe(500);
    expect((await postJson(`${mock.current.url}/v1/chat/completions`, chat)).status).toBe(200);
  });

  test("GET lists the table, reset clears it, a bad table is refused with 400", async () => {
    await setFaults([{ path: "/v1/messages", status: 529 }]);
    const listed = await (await fetch(`${mock.current.url}/__mock/faults`)).json();
    expect(listed).toEqual({ faults: [{ path: "/v1/messages", status: [529] }] });
    await fetch(`${mock.current.url}/__mock/reset`, { method: "POST" });
    expect(await (await fetch(`${mock.current.url}/__mock/faults`)).json()).toEqual({ faults: [] });
    expect((await setFaults("nope")).status).toBe(400);
  });
});
