import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { trustHint } from "../../../src/tls/selfsigned.ts";

describe("trustHint", () => {
  test("names the absolute cert path for NODE_EXTRA_CA_CERTS, curl and the system stores", () => {
    const hint = trustHint("certs/server.crt");
    const abs = resolve("certs/server.crt");
    expect(hint).toContain(`NODE_EXTRA_CA_CERTS=${abs}`);
    expect(hint).toContain(`--cacert ${abs}`);
    expect(hint).toContain("/usr/local/share/ca-certificates/sluice.crt");
    expect(hint).toContain("update-ca-certificates");
    expect(hint).toContain("security add-trusted-cert");
    expect(hint.split("\n").length).toBeGreaterThan(3);
  });

  test("quotes a path with spaces so it can be pasted into a shell", () => {
    expect(trustHint("/tmp/my certs/server.crt")).toContain("NODE_EXTRA_CA_CERTS='/tmp/my certs/server.crt'");
  });
});
