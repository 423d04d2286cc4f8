import { describe, expect, test } from "bun:test";
import { validateMessagesRequest } from "../../../src/translate/anthropic-types.ts";

describe("validation messages", () => {
  test("name the field and the kind of value, never the value itself", () => {
    const r = validateMessagesRequest({
      model: "m",
      max_tokens: "SECRET-VALUE",
      messages: [{ role: "user", content: 5 }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toContain("max_tokens: expected number, got a string");
    expect(r.issues.join("\n")).not.toContain("SECRET-VALUE");
    const neg = validateMessagesRequest({ model: "m", max_tokens: -12345, messages: [] });
    expect(neg.ok ? "" : neg.issues.join()).not.toContain("12345");
  });
});
