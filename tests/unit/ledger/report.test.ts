import { describe, expect, test } from "bun:test";
import { parseGroup, parseSince, render, report } from "../../../src/ledger/report.ts";
import { parseDatabaseUrl, redactUrl, redisUrlProblem } from "../../../src/ledger/url.ts";

const now = Date.parse("2026-03-10T12:00:00Z");
const groups = [
  {
    group: "alice",
    requests: 3,
    errors: 1,
    input_tokens: 30,
    output_tokens: 12,
    cache_write_tokens: 5,
    cache_read_tokens: 7,
    cost_usd: 0.012345,
  },
  {
    group: '=HYPERLINK("x")',
    requests: 1,
    errors: 0,
    input_tokens: 1,
    output_tokens: 2,
    cache_write_tokens: 0,
    cache_read_tokens: 0,
    cost_usd: 0.5,
  },
];

describe("usage reports", () => {
  test("--since takes days, hours, minutes or a UTC date", () => {
    expect(parseSince("7d", now)).toBe(now - 7 * 86_400_000);
    expect(parseSince("12h", now)).toBe(now - 12 * 3_600_000);
    expect(parseSince("2026-03-01", now)).toBe(Date.parse("2026-03-01T00:00:00Z"));
    for (const bad of ["7 days", "2026-02-30", "", "-1d"])
      expect(parseSince(bad, now)).toHaveProperty("error");
    expect(parseGroup("Model")).toBe("model");
    expect(parseGroup("user")).toHaveProperty("error");
  });

  test("table, csv and json carry the same numbers and the totals", () => {
    const r = report(now - 86_400_000, "key", groups);
    expect(r.totals.requests).toBe(4);
    expect(r.totals.cost_usd).toBeCloseTo(0.512345, 9);
    const table = render(r, "table");
    expect(table).toContain("alice");
    // The table rounds to a hundredth of a cent; CSV keeps micro-dollars for summing elsewhere.
    expect(table).toMatch(/total\s+4\s+1\s+31\s+14\s+5\s+7\s+0\.5123\n/);
    const csv = render(r, "csv").split("\n");
    expect(csv[0]).toBe(
      "key,requests,errors,input_tokens,output_tokens,cache_write_tokens,cache_read_tokens,cost_usd",
    );
    expect(csv[1]).toBe("alice,3,1,30,12,5,7,0.012345");
    // A cell that a spreadsheet would run as a formula is defused.
    expect(csv[2]?.startsWith(`"'=HYPERLINK(""x"")"`)).toBe(true);
    expect(JSON.parse(render(r, "json")).groups).toEqual(groups);
  });

  test("database and Redis URLs", () => {
    expect(parseDatabaseUrl("off")).toEqual({ kind: "off" });
    expect(parseDatabaseUrl("sqlite://data/sluice.db")).toEqual({ kind: "sqlite", path: "data/sluice.db" });
    expect(parseDatabaseUrl("sqlite:///var/lib/sluice/sluice.db")).toEqual({
      kind: "sqlite",
      path: "/var/lib/sluice/sluice.db",
    });
    expect(parseDatabaseUrl("postgresql://u:p@db/x")).toEqual({
      kind: "postgres",
      url: "postgresql://u:p@db/x",
    });
    expect(parseDatabaseUrl("mysql://x")).toHaveProperty("error");
    expect(parseDatabaseUrl("sqlite://")).toHaveProperty("error");
    expect(redisUrlProblem("redis://127.0.0.1:6379")).toBeUndefined();
    expect(redisUrlProblem("127.0.0.1:6379")).toBeDefined();
    expect(redactUrl("postgres://sluice:hunter2@db:5432/x")).toBe("postgres://sluice:***@db:5432/x");
  });
});
