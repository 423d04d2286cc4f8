import { describe, expect, test } from "bun:test";
import { withoutCredentials } from "../../../src/config/credentials.ts";

describe("URL credentials are never shown", () => {
  test("user and password of every URL in a text become ***", () => {
    expect(withoutCredentials("http://user:pa55@host:8080/v1")).toBe("http://***@host:8080/v1");
    expect(withoutCredentials('{"a":"https://TOKEN@github.com/x","b":"redis://:pw@r:6379"}')).toBe(
      '{"a":"https://***@github.com/x","b":"redis://***@r:6379"}',
    );
  });

  test("URLs without credentials, and e-mail addresses in paths or text, stay as they are", () => {
    for (const t of ["https://api.anthropic.com", "mail a@b.co", "https://h/path/a@b", "https://h?x=a@b"]) {
      expect(withoutCredentials(t)).toBe(t);
    }
  });
});
