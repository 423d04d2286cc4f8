import { describe, expect, test } from "bun:test";
import { argsFromSchema, pickTool } from "../../../src/mock-upstream/tools.ts";
import type { Conversation, ToolChoice } from "../../../src/mock-upstream/types.ts";

const tools = [
  { name: "get_weather", schema: {} },
  { name: "search", schema: {} },
];
const conv = (
  lastUserText: string,
  toolChoice: ToolChoice = { kind: "auto" },
  toolResult?: string,
): Conversation => ({
  lastUserText,
  toolResult,
  tools,
  toolChoice,
  thinking: false,
});

describe("pickTool", () => {
  test("answers with text when nothing asks for a tool", () => {
    expect(pickTool(conv("what is the weather?"))).toBeUndefined();
  });

  test("calls the first tool on 'use tool' and the named one on 'call <name>'", () => {
    expect(pickTool(conv("please use tool"))?.name).toBe("get_weather");
    expect(pickTool(conv("Please CALL search now"))?.name).toBe("search");
    expect(pickTool(conv("use tool search"))?.name).toBe("search");
  });

  test("follows a forcing tool_choice and never calls with tool_choice none", () => {
    expect(pickTool(conv("hi", { kind: "any" }))?.name).toBe("get_weather");
    expect(pickTool(conv("hi", { kind: "named", name: "search" }))?.name).toBe("search");
    expect(pickTool(conv("use tool", { kind: "none" }))).toBeUndefined();
  });

  test("answers a tool result with text even when a tool is forced", () => {
    expect(pickTool(conv("use tool", { kind: "any" }, "result"))).toBeUndefined();
  });
});

describe("argsFromSchema", () => {
  test("fills required properties by type and leaves optional ones out", () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string" },
        days: { type: "integer" },
        ratio: { type: "number" },
        metric: { type: "boolean" },
        tags: { type: "array", items: { type: "string" } },
        unit: { type: "string", enum: ["c", "f"] },
        where: { type: "object", properties: { lat: { type: "number" } }, required: ["lat"] },
        maybe: { type: ["null", "string"] },
        optional: { type: "string" },
      },
      required: ["city", "days", "ratio", "metric", "tags", "unit", "where", "maybe"],
    };
    expect(argsFromSchema(schema)).toEqual({
      city: "mock",
      days: 1,
      ratio: 1,
      metric: true,
      tags: [],
      unit: "c",
      where: { lat: 1 },
      maybe: "mock",
    });
  });

  test("understands Gemini's upper-case type names", () => {
    const schema = {
      type: "OBJECT",
      properties: { n: { type: "NUMBER" }, ok: { type: "BOOLEAN" } },
      required: ["n", "ok"],
    };
    expect(argsFromSchema(schema)).toEqual({ n: 1, ok: true });
  });

  test("returns an empty object for a missing or odd schema", () => {
    expect(argsFromSchema(undefined)).toEqual({});
    expect(argsFromSchema({ type: "object", required: "city" })).toEqual({});
  });
});
