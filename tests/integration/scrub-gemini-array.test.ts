// Restore through sluice for Gemini's streamGenerateContent without alt=sse: the answer is a JSON
// array streamed element by element; the client gets real values, element by element.
import { afterEach, describe, expect, test } from "bun:test";
import { startMockUpstream } from "../../src/mock-upstream/index.ts";
import type { MockServer } from "../../src/mock-upstream/types.ts";
import { ALNUM, fake, j } from "../fixtures/scrub/fake.ts";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

const SECRET = j("gh", "p_", fake(ALNUM, 36, 78));
const PATH = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";
const PLACEHOLDER = /SLUICE_[A-Z_]+_[A-Z2-7]{10}/;

let mock: MockServer | undefined;
let upstream: TestUpstream | undefined;
let sluice: TestSluice | undefined;
afterEach(async () => {
  await sluice?.stop();
  await mock?.stop();
  await upstream?.stop();
  sluice = mock = upstream = undefined;
});

const ask = (text: string) => JSON.stringify({ contents: [{ role: "user", parts: [{ text }] }] });

const chunk = (text: string, finishReason?: string) =>
  JSON.stringify(
    {
      candidates: [
        { content: { role: "model", parts: [{ text }] }, ...(finishReason ? { finishReason } : {}) },
      ],
    },
    null,
    2,
  );

/** Text of every element of the array the client got, joined. */
function textOf(body: string): string {
  const parsed = JSON.parse(body) as { candidates: { content: { parts: { text: string }[] } }[] }[];
  return parsed.map((el) => el.candidates[0]!.content.parts.map((p) => p.text).join("")).join("");
}

describe("restore in Gemini's streamed JSON array", () => {
  test("the mock's array comes back with the real value and re-parses as an array", async () => {
    mock = startMockUpstream({ port: 0 });
    sluice = await startSluice({
      SLUICE_GEMINI_BASE_URL: mock.url,
      SLUICE_SCRUB: "pseudonymize",
      SLUICE_SCRUB_HMAC_KEY: "cd".repeat(32),
    });
    const r = await fetch(`${sluice.url}${PATH}`, {
      method: "POST",
      body: ask(`token ${SECRET} please`),
      headers: { "content-type": "application/json", "x-mock-events": "6", "x-mock-gap-ms": "5" },
    });
    expect(r.headers.get("content-type")).toContain("application/json");
    const body = await r.text();
    expect(mock.requests.at(-1)!.body).not.toContain(SECRET);
    expect(body).not.toContain("SLUICE_");
    expect(body).toStartWith("[");
    expect(textOf(body)).toContain(`token ${SECRET} please`);
    expect(JSON.parse(body)).toHaveLength(6);
  });

  test("a placeholder split across network chunks inside an element is restored, element by element", async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    upstream = startUpstream((_req, seen) => {
      const ph = PLACEHOLDER.exec(seen.body)![0];
      const first = chunk(`Use ${ph} to push.`);
      const cut = first.indexOf(ph) + 9;
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          const send = async (text: string) => {
            controller.enqueue(encoder.encode(text));
            await Bun.sleep(5);
          };
          await send(` [${first.slice(0, cut)}`);
          await send(first.slice(cut));
          await released;
          await send(`,\r\n${chunk(` Then ${ph}`)}`);
          await send(`,\r\n${chunk(" done.", "STOP")}\r\n`);
          await send("]");
          controller.close();
        },
      });
      return new Response(body, { headers: { "content-type": "application/json; charset=UTF-8" } });
    });
    sluice = await startSluice({ SLUICE_GEMINI_BASE_URL: upstream.url, SLUICE_SCRUB: "pseudonymize" });
    const r = await fetch(`${sluice.url}${PATH}`, { method: "POST", body: ask(`push with ${SECRET}`) });
    expect(upstream.seen.at(-1)!.body).not.toContain(SECRET);
    const reader = r.body!.getReader();
    const decoder = new TextDecoder();
    let got = "";
    // The first element reaches the client while upstream still holds back the rest.
    while (!got.includes("to push.")) got += decoder.decode((await reader.read()).value, { stream: true });
    expect(got).toContain(SECRET);
    release();
    for (let part = await reader.read(); !part.done; part = await reader.read())
      got += decoder.decode(part.value, { stream: true });
    expect(got).not.toContain("SLUICE_");
    expect(got.endsWith("]")).toBe(true);
    expect(textOf(got)).toBe(`Use ${SECRET} to push. Then ${SECRET} done.`);
    expect(got).toContain(`,\r\n${chunk(" done.", "STOP")}\r\n]`);
  });
});
