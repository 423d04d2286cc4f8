import { describe, expect, test } from "bun:test";
import { createScrubber, type ScrubOutcome, type ScrubResult } from "../../../src/scrub/scrub.ts";
import { agentRequest } from "../../fixtures/scrub/agent-request.ts";
import { ALNUM, fake, j } from "../../fixtures/scrub/fake.ts";

const ok = (r: ScrubResult): ScrubOutcome => {
  if ("error" in r) throw new Error(r.error);
  return r;
};

/** Every string in a JSON value, in document order. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe("a realistic 200 KB agent request", () => {
  test("with nothing to scrub is forwarded byte for byte", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: new Uint8Array(32) });
    const body = agentRequest(200 * 1024, { gitLog: false });
    expect(ok(s.scrubBody(body))).toEqual({ text: body, changed: false, hits: {} });
  });

  test("with secrets changes only the strings that hold them", () => {
    const s = createScrubber({ mode: "redact", hmacKey: new Uint8Array(32) });
    const secrets = [j("gh", "p_", fake(ALNUM, 36, 1)), j("np", "m_", fake(ALNUM, 36, 2))];
    const body = agentRequest(200 * 1024, { secrets });
    const out = ok(s.scrubBody(body));
    expect(out.hits).toMatchObject({ github_token: 1, npm_token: 1 });
    expect(Object.keys(out.hits).sort()).toEqual(["email", "github_token", "npm_token"]);
    const before = strings(JSON.parse(body));
    const after = strings(JSON.parse(out.text));
    expect(after.length).toBe(before.length);
    const differing = before.filter((v, i) => v !== after[i]);
    expect(differing.every((v) => v.includes("API_TOKEN=") || v.includes("@example.com"))).toBe(true);
  });
});
