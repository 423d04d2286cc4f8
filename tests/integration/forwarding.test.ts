import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MSG } from "../helpers/config.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream;
let sluice: TestSluice;

beforeAll(async () => {
  upstream = startUpstream((req) =>
    Response.json(
      { path: new URL(req.url).pathname, query: new URL(req.url).search },
      { headers: { "x-up": "1" } },
    ),
  );
  sluice = await startSluice({
    SLUICE_ANTHROPIC_BASE_URL: upstream.url,
    SLUICE_OPENAI_BASE_URL: upstream.url,
    SLUICE_GEMINI_BASE_URL: upstream.url,
  });
});
afterAll(async () => {
  await sluice.stop();
  await upstream.stop();
});

describe("forwarding", () => {
  test("keeps path and query string (Claude Code's ?beta=true)", async () => {
    const r = await fetch(`${sluice.url}/v1/messages?beta=true`, { method: "POST", body: MSG });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ path: "/v1/messages", query: "?beta=true" });
    expect(r.headers.get("x-up")).toBe("1");
    expect(r.headers.get("x-sluice-request-id")).toBeTruthy();
  });
});
