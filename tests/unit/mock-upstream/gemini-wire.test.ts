import { describe, expect, test } from "bun:test";
import { postJson, sseJson, useMock } from "./helpers.ts";

const mock = useMock();
const gen = (method: string, body: unknown, query = "", headers: Record<string, string> = {}) =>
  postJson(`${mock.current.url}/v1beta/models/gemini-2.5-flash:${method}${query}`, body, {
    "x-goog-api-key": "x",
    ...headers,
  });
const ask = (text: string) => ({ contents: [{ role: "user", parts: [{ text }] }] });
type Candidate = { content: { parts: Record<string, unknown>[] }; finishReason?: string };
type GeminiChunk = { candidates: Candidate[]; usageMetadata: Record<string, number> };

describe("Gemini generateContent on the wire", () => {
  test("answers generateContent with a candidate and usageMetadata", async () => {
    const body = (await (await gen("generateContent", ask("Hello gemini"))).json()) as GeminiChunk;
    expect(body.candidates[0]?.content.parts[0]?.text).toStartWith("Mock reply to: Hello gemini");
    expect(body.candidates[0]?.finishReason).toBe("STOP");
    const u = body.usageMetadata;
    expect(u.totalTokenCount).toBe((u.promptTokenCount ?? 0) + (u.candidatesTokenCount ?? 0));
    expect(u).not.toHaveProperty("cachedContentTokenCount");
  });

  test("streams SSE with ?alt=sse, CRLF line ends and the same final usage", async () => {
    const plain = (await (
      await gen("generateContent", ask("stream it"), "", { "x-mock-events": "3" })
    ).json()) as GeminiChunk;
    const res = await gen("streamGenerateContent", ask("stream it"), "?alt=sse", { "x-mock-events": "3" });
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    const raw = await res.text();
    expect(raw).toContain("\r\n\r\n");
    const chunks = sseJson(raw) as GeminiChunk[];
    expect(chunks).toHaveLength(3);
    const text = chunks.map((c) => c.candidates[0]?.content.parts[0]?.text).join("");
    expect(text).toBe(plain.candidates[0]?.content.parts[0]?.text as string);
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe("STOP");
    expect(chunks.at(-1)?.usageMetadata).toEqual(plain.usageMetadata);
  });

  test("streams a JSON array without ?alt=sse", async () => {
    const res = await gen("streamGenerateContent", ask("array please"), "", { "x-mock-events": "2" });
    expect(res.headers.get("content-type")).toBe("application/json");
    const arr = (await res.json()) as GeminiChunk[];
    expect(arr).toHaveLength(2);
  });

  test("calls a function and then answers its functionResponse with text quoting it", async () => {
    const tools = [
      {
        functionDeclarations: [
          {
            name: "lookup",
            parameters: { type: "OBJECT", properties: { q: { type: "STRING" } }, required: ["q"] },
          },
        ],
      },
    ];
    const first = (await (
      await gen("generateContent", { ...ask("call lookup"), tools })
    ).json()) as GeminiChunk;
    expect(first.candidates[0]?.content.parts[0]?.functionCall).toEqual({
      name: "lookup",
      args: { q: "mock" },
    });
    const second = (await (
      await gen("generateContent", {
        tools,
        contents: [
          { role: "user", parts: [{ text: "call lookup" }] },
          { role: "model", parts: [{ functionCall: { name: "lookup", args: { q: "mock" } } }] },
          {
            role: "user",
            parts: [{ functionResponse: { name: "lookup", response: { answer: "forty-two" } } }],
          },
        ],
      })
    ).json()) as GeminiChunk;
    expect(second.candidates[0]?.content.parts[0]?.text).toContain("forty-two");
  });

  test("reports thoughts when thinking is configured and shows them with includeThoughts", async () => {
    const body = (await (
      await gen("generateContent", {
        ...ask("think hard"),
        generationConfig: { thinkingConfig: { thinkingBudget: 512, includeThoughts: true } },
      })
    ).json()) as GeminiChunk;
    const u = body.usageMetadata;
    expect(u.thoughtsTokenCount).toBeGreaterThan(0);
    expect(u.totalTokenCount).toBe(
      (u.promptTokenCount ?? 0) + (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
    );
    expect(body.candidates[0]?.content.parts[0]).toMatchObject({ thought: true });
  });

  test("reports cachedContentTokenCount when x-mock-cache asks for a cache read", async () => {
    const body = (await (
      await gen("generateContent", ask("x ".repeat(200)), "", { "x-mock-cache": "read" })
    ).json()) as GeminiChunk;
    expect(body.usageMetadata.cachedContentTokenCount).toBeGreaterThan(0);
  });

  test("counts tokens, lists models, and rejects a request without contents in Gemini format", async () => {
    expect((await (await gen("countTokens", ask("count"))).json()).totalTokens).toBeGreaterThan(0);
    const models = await (await fetch(`${mock.current.url}/v1beta/models`)).json();
    expect(models.models[0].name).toStartWith("models/");
    const bad = await gen("generateContent", {});
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
  });
});
