// Wrong admin keys per address: a window from the first wrong key, a lockout after the limit that
// ends with the window, a right key that forgets the address, and a cap on tracked addresses.
import { expect, test } from "bun:test";
import {
  addressBlock,
  clientAddress,
  createLoginLimit,
  LOGIN_LIMIT_DEFAULTS,
} from "../../../src/admin/login-limit.ts";

const MINUTE = 60_000;

/** A limiter on a hand-driven clock. */
function limiter(opts: { maxFailures?: number; windowMs?: number; maxAddresses?: number } = {}) {
  let t = 1_000_000;
  const limit = createLoginLimit({ maxFailures: 3, windowMs: 5 * MINUTE, ...opts, now: () => t });
  return { limit, advance: (ms: number) => (t += ms) };
}

const failTimes = (limit: ReturnType<typeof limiter>["limit"], addr: string, n: number) => {
  for (let i = 0; i < n; i++) limit.fail(addr);
};

test("the defaults are 10 wrong keys per 5 minutes, over at most 10,000 addresses", () => {
  expect(LOGIN_LIMIT_DEFAULTS).toEqual({ maxFailures: 10, windowMs: 5 * MINUTE, maxAddresses: 10_000 });
});

test("an address may try until it has sent the limit of wrong keys, then it is refused", () => {
  const { limit } = limiter();
  expect(limit.check("10.0.0.1")).toBe(0);
  failTimes(limit, "10.0.0.1", 2);
  expect(limit.check("10.0.0.1")).toBe(0);
  limit.fail("10.0.0.1");
  expect(limit.check("10.0.0.1")).toBeGreaterThan(0);
});

test("one address's wrong keys never lock out another", () => {
  const { limit } = limiter();
  failTimes(limit, "10.0.0.1", 3);
  expect(limit.check("10.0.0.1")).toBeGreaterThan(0);
  expect(limit.check("10.0.0.2")).toBe(0);
});

test("retry-after is the whole seconds left in the window, rounded up and at least 1", () => {
  const { limit, advance } = limiter();
  failTimes(limit, "a", 3);
  expect(limit.check("a")).toBe(300);
  advance(1);
  expect(limit.check("a")).toBe(300);
  advance(1_000);
  expect(limit.check("a")).toBe(299);
  advance(5 * MINUTE - 1_002);
  expect(limit.check("a")).toBe(1);
});

test("the window runs from the first wrong key: a lockout ends with it", () => {
  const { limit, advance } = limiter();
  limit.fail("a");
  advance(4 * MINUTE);
  failTimes(limit, "a", 2);
  expect(limit.check("a")).toBe(60);
  advance(MINUTE);
  expect(limit.check("a")).toBe(0);
  expect(limit.tracked()).toBe(0);
});

test("wrong keys spread wider than the window never add up to a lockout", () => {
  const { limit, advance } = limiter();
  for (let i = 0; i < 10; i++) {
    failTimes(limit, "a", 2);
    expect(limit.check("a")).toBe(0);
    advance(5 * MINUTE);
  }
});

test("a right key forgets the address's wrong keys", () => {
  const { limit } = limiter();
  failTimes(limit, "a", 2);
  limit.succeed("a");
  failTimes(limit, "a", 2);
  expect(limit.check("a")).toBe(0);
  expect(limit.tracked()).toBe(1);
  limit.succeed("a");
  expect(limit.tracked()).toBe(0);
});

test("only refused attempts are counted as refused", () => {
  const { limit } = limiter();
  failTimes(limit, "a", 2);
  limit.check("a");
  expect(limit.refused()).toBe(0);
  limit.fail("a");
  limit.check("a");
  limit.check("a");
  expect(limit.refused()).toBe(2);
});

test("memory is bounded: past the cap, a new address evicts the one whose window began first", () => {
  const { limit, advance } = limiter({ maxAddresses: 100 });
  failTimes(limit, "first", 3);
  for (let i = 0; i < 10_000; i++) {
    advance(1);
    limit.fail(`10.1.${i >> 8}.${i & 255}`);
    expect(limit.tracked()).toBeLessThanOrEqual(100);
  }
  expect(limit.tracked()).toBe(100);
  expect(limit.check("first")).toBe(0);
  failTimes(limit, "10.1.39.15", 2); // the newest, i = 9999
  expect(limit.check("10.1.39.15")).toBeGreaterThan(0);
});

test("ended windows are dropped as new addresses arrive, not kept until the cap", () => {
  const { limit, advance } = limiter({ maxAddresses: 1_000 });
  for (let i = 0; i < 50; i++) limit.fail(`old-${i}`);
  advance(5 * MINUTE);
  limit.fail("new");
  expect(limit.tracked()).toBe(1);
});

test("the client address is the TCP peer's, or 'unknown' without a server", () => {
  const req = new Request("http://127.0.0.1/dashboard/login", { headers: { "x-forwarded-for": "1.2.3.4" } });
  const server = { requestIP: () => ({ address: "192.0.2.7" }) };
  expect(clientAddress(server, req)).toBe("192.0.2.7");
  expect(clientAddress({ requestIP: () => null }, req)).toBe("unknown");
  expect(clientAddress(null, req)).toBe("unknown");
});

test("IPv6 peers count by their /64; IPv4 and IPv4-mapped addresses count one by one", () => {
  expect(addressBlock("192.0.2.7")).toBe("192.0.2.7");
  expect(addressBlock("::ffff:192.0.2.7")).toBe("192.0.2.7");
  expect(addressBlock("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
  expect(addressBlock("2001:DB8:1:2::99")).toBe("2001:db8:1:2::/64");
  expect(addressBlock("2001:0db8:0001:0002::1%eth0")).toBe("2001:db8:1:2::/64");
  expect(addressBlock("2001:db8::1")).toBe("2001:db8:0:0::/64");
  expect(addressBlock("::1")).toBe("0:0:0:0::/64");
  expect(addressBlock("fe80::1")).toBe("fe80:0:0:0::/64");
  const server = (address: string) => ({ requestIP: () => ({ address }) });
  const req = new Request("http://x/");
  expect(clientAddress(server("2001:db8:1:2::1"), req)).toBe(
    clientAddress(server("2001:db8:1:2::ffff"), req),
  );
  expect(clientAddress(server("2001:db8:1:3::1"), req)).not.toBe(
    clientAddress(server("2001:db8:1:2::1"), req),
  );
});

test("onLock is told once per lockout, with how long it lasts", () => {
  let t = 0;
  const locks: [string, number][] = [];
  const limit = createLoginLimit({
    maxFailures: 3,
    windowMs: 60_000,
    now: () => t,
    onLock: (a, ms) => locks.push([a, ms]),
  });
  limit.fail("a");
  t = 10_000;
  limit.fail("a");
  limit.fail("a");
  limit.fail("a");
  expect(locks).toEqual([["a", 50_000]]);
  t = 61_000;
  for (let i = 0; i < 3; i++) limit.fail("a");
  expect(locks).toEqual([
    ["a", 50_000],
    ["a", 60_000],
  ]);
});
