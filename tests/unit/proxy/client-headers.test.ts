import { describe, expect, test } from "bun:test";
import {
  clientRequestId,
  echoRequestId,
  type KeyedUpstream,
  upstreamRequestHeaders,
} from "../../../src/proxy/headers.ts";

const anthropic: KeyedUpstream = { api: "anthropic", apiKey: "" };
const openai: KeyedUpstream = { api: "openai", apiKey: "" };
const VIA = "1.1 sluice-abcd1234";

describe("anthropic-version default", () => {
  const opts = { stripClientKeys: false, via: VIA, anthropicVersion: "2023-06-01" };
  test("is added on the way to Anthropic when the client sent none", () => {
    const h = upstreamRequestHeaders(new Headers(), { ...opts, upstream: anthropic });
    expect(h.get("anthropic-version")).toBe("2023-06-01");
  });
  test("never replaces the client's own version", () => {
    const h = upstreamRequestHeaders(new Headers({ "anthropic-version": "2026-10-21" }), {
      ...opts,
      upstream: anthropic,
    });
    expect(h.get("anthropic-version")).toBe("2026-10-21");
  });
  test("is not sent to other APIs", () => {
    const h = upstreamRequestHeaders(new Headers(), { ...opts, upstream: openai });
    expect(h.has("anthropic-version")).toBe(false);
  });
});

describe("client x-request-id", () => {
  test("a printable id of sane length is taken, trimmed", () => {
    expect(clientRequestId(new Headers({ "x-request-id": " run-42/step.7 " }))).toBe("run-42/step.7");
  });
  test("missing, blank, spaced or oversized ids are ignored", () => {
    expect(clientRequestId(new Headers())).toBeUndefined();
    expect(clientRequestId(new Headers({ "x-request-id": "  " }))).toBeUndefined();
    expect(clientRequestId(new Headers({ "x-request-id": "two words" }))).toBeUndefined();
    expect(clientRequestId(new Headers({ "x-request-id": "a".repeat(201) }))).toBeUndefined();
    expect(clientRequestId(new Headers({ "x-request-id": "a".repeat(200) }))).toBe("a".repeat(200));
  });
  test("is echoed; an upstream's different id moves to x-sluice-upstream-request-id", () => {
    const h = new Headers({ "x-request-id": "req_upstream" });
    echoRequestId(h, "mine");
    expect(h.get("x-request-id")).toBe("mine");
    expect(h.get("x-sluice-upstream-request-id")).toBe("req_upstream");
    const same = new Headers({ "x-request-id": "mine" });
    echoRequestId(same, "mine");
    expect(same.has("x-sluice-upstream-request-id")).toBe(false);
    const none = new Headers({ "x-request-id": "req_upstream" });
    echoRequestId(none, undefined);
    expect(none.get("x-request-id")).toBe("req_upstream");
  });
});
