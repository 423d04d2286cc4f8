// The admin listener answers to loopback names, its own address, listed names and IP literals;
// a rebound domain gets 421.
import { describe, expect, test } from "bun:test";
import { allowedHosts, hostAllowed, hostName, misdirected } from "../../../src/admin/host-check.ts";

describe("admin Host check", () => {
  test("reads the name out of a Host header", () => {
    expect(hostName("LocalHost:9090")).toBe("localhost");
    expect(hostName("[::1]:9090")).toBe("::1");
    expect(hostName("example.com.")).toBe("example.com");
  });

  test("answers loopback names, IP literals and the bound address", () => {
    const allowed = allowedHosts("127.0.0.1", []);
    for (const h of ["localhost:9090", "127.0.0.1:9090", "[::1]:9090", "10.0.0.7:9090", "[fe80::1]", null]) {
      expect(hostAllowed(h, allowed)).toBe(true);
    }
    expect(hostAllowed("dash.internal", allowedHosts("dash.internal", []))).toBe(true);
  });

  test("refuses any other name, unless listed (or * is)", () => {
    const allowed = allowedHosts("0.0.0.0", ["sluice.corp.example"]);
    expect(hostAllowed("evil.example", allowed)).toBe(false);
    expect(hostAllowed("127.0.0.1.evil.example:9090", allowed)).toBe(false);
    expect(hostAllowed("localhost.evil.example", allowed)).toBe(false);
    expect(hostAllowed("sluice.corp.example:9090", allowed)).toBe(true);
    expect(hostAllowed("evil.example", allowedHosts("0.0.0.0", ["*"]))).toBe(true);
  });

  test("the refusal is a 421 that says what to set", async () => {
    const r = misdirected("evil.example:9090");
    expect(r.status).toBe(421);
    expect((await r.json()).error.message).toContain("SLUICE_DASHBOARD_ALLOWED_HOSTS");
  });
});
