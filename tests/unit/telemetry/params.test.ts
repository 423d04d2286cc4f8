// Model parameters come from the request of each API: sampling and limit settings only, with
// objects flattened to short JSON text; messages, tools and metadata never appear.
import { describe, expect, test } from "bun:test";
import { modelParameters } from "../../../src/telemetry/params.ts";

describe("model parameters", () => {
  test("OpenAI Chat settings are picked, content is not", () => {
    expect(
      modelParameters(
        {
          model: "gpt-4.1",
          messages: [{ role: "user", content: "secret prompt" }],
          tools: [{ type: "function" }],
          max_completion_tokens: 200,
          top_p: 0.9,
          stop: ["END"],
          seed: 7,
          reasoning_effort: "low",
          response_format: { type: "json_object" },
        },
        false,
      ),
    ).toEqual({
      max_completion_tokens: 200,
      top_p: 0.9,
      stop: ["END"],
      seed: 7,
      reasoning_effort: "low",
      response_format: '{"type":"json_object"}',
      stream: false,
    });
  });

  test("Gemini's generationConfig is read, its response schema is not", () => {
    expect(
      modelParameters(
        {
          contents: [],
          generationConfig: {
            temperature: 0.5,
            maxOutputTokens: 64,
            thinkingConfig: { thinkingBudget: 128 },
            responseSchema: { type: "object" },
          },
        },
        true,
      ),
    ).toEqual({
      temperature: 0.5,
      maxOutputTokens: 64,
      thinkingConfig: '{"thinkingBudget":128}',
      stream: true,
    });
  });

  test("a body that is not an object gives only the stream flag, or nothing", () => {
    expect(modelParameters("text", true)).toEqual({ stream: true });
    expect(modelParameters(undefined, undefined)).toBeUndefined();
  });
});
