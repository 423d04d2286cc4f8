import { describe, expect, test } from "bun:test";
import { createScrubber, type ScrubResult } from "../../../src/scrub/scrub.ts";

const key = new Uint8Array(32).fill(8);
const textOf = (r: ScrubResult) => ("text" in r ? r.text : r.error);
const body = (content: string) => JSON.stringify({ messages: [{ role: "user", content }] });

describe("values put back into responses", () => {
  test("are scrubbed again, to the same pseudonym, where no detector would see them", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: key });
    const first = textOf(s.scrubBody(body("DATABASE_URL=postgres://app:s3cr3tP4ss@db.local/app")));
    const ph = first.match(/SLUICE_DB_CONNECTION_STRING_[A-Z2-7]{10}/)![0];
    const answer = s.restoreText(`Run: PGPASSWORD=${ph} psql`);
    expect(answer).toBe("Run: PGPASSWORD=s3cr3tP4ss psql");
    const next = textOf(s.scrubBody(body(`${answer}\nok`)));
    expect(next).toContain(`PGPASSWORD=${ph} psql`);
    expect(next).not.toContain("s3cr3tP4ss");
  });

  test("are only searched for once they were restored", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: key });
    s.scrubBody(body("postgres://app:s3cr3tP4ss@db.local/app"));
    const r = s.scrubBody(body("PGPASSWORD=s3cr3tP4ss"));
    expect(r).toEqual({ text: body("PGPASSWORD=s3cr3tP4ss"), changed: false, hits: {} });
  });

  test("match whole tokens only", () => {
    const s = createScrubber({ mode: "pseudonymize", hmacKey: key });
    const first = textOf(s.scrubBody(body("postgres://app:hunter22@db.local/app")));
    s.restoreText(first.match(/SLUICE_[A-Z_]+_[A-Z2-7]{10}/)![0]);
    const r = s.scrubBody(body("hunter223 xhunter22 hunter22"));
    expect("text" in r && JSON.parse(r.text).messages[0].content).toMatch(/^hunter223 xhunter22 SLUICE_/);
  });
});
