// The key gate's brute-force limit: wrong keys count per address; past the limit every key from
// that address, even the right one, gets 429 with a retry-after until the window ends.
import { describe, expect, test } from "bun:test";
import { createLoginLimit } from "../../../src/admin/login-limit.ts";
import { isProxyError } from "../../../src/errors.ts";
import { createKeyGate } from "../../../src/proxy/auth.ts";
import { passGate } from "../../../src/proxy/gate-step.ts";

const gate = createKeyGate([{ name: "alice", key: "right-key" }]);
const from = (address: string) => ({ requestIP: () => ({ address }) });
const req = (key: string) =>
  new Request("http://sluice/v1/messages", { method: "POST", headers: { "x-api-key": key } });

describe("the key gate's brute-force limit", () => {
  test("after 10 wrong keys an address is refused with 429 until its window ends", () => {
    let t = 0;
    const limit = createLoginLimit({ now: () => t });
    for (let i = 0; i < 10; i++)
      expect(passGate(gate, limit, req(`guess-${i}`), "", from("10.0.0.1"))).toMatchObject({ status: 401 });
    const locked = passGate(gate, limit, req("right-key"), "", from("10.0.0.1"));
    expect(locked).toMatchObject({ status: 429, kind: "too_many_wrong_keys", retryAfterSec: 300 });
    // Another address is not affected.
    expect(passGate(gate, limit, req("right-key"), "", from("10.0.0.2"))).toBe("alice");
    expect(limit.refused()).toBe(1);
    t = 300_000;
    expect(passGate(gate, limit, req("right-key"), "", from("10.0.0.1"))).toBe("alice");
  });

  test("the right key passes and counts nothing", () => {
    const limit = createLoginLimit();
    for (let i = 0; i < 20; i++) {
      const r = passGate(gate, limit, req("right-key"), "", from("10.0.0.3"));
      expect(isProxyError(r)).toBe(false);
    }
    expect(limit.tracked()).toBe(0);
  });
});
