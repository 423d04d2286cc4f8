// The header rules one at a time, where headers.test.ts checks them in combination: each
// hop-by-hop header on its own, key headers with and without a key, the anthropic-version
// default, the content-encoding override, and the client's x-request-id (what counts as one,
// and how it is echoed). Written from the survivors of `make mutate MODULE=headers`.
import { describe, expect, test } from "bun:test";
import {
  clientRequestId,
  clientResponseHeaders,
  echoRequestId,
  isLoop,
  type UpstreamHeaderOptions,
  upstreamRequestHeaders,
} from "../../../src/proxy/headers.ts";

const VIA = "1.1 sluice-abcd1234";
const opts = (o: Partial<UpstreamHeaderOptions> = {}): UpstreamHeaderOptions => ({
  upstream: { api: "anthropic", apiKey: "" },
  stripClientKeys: false,
  via: VIA,
  ...o,
});
const names = (h: Headers) => [...h.keys()].sort();

const HOP_BY_HOP = [
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

describe("hop-by-hop headers, each on its own (no Connection header naming it)", () => {
  for (const name of HOP_BY_HOP) {
    test(`${name} crosses in neither direction`, () => {
      const incoming = new Headers({ [name]: "x", "x-kept": "1" });
      expect(names(upstreamRequestHeaders(incoming, opts()))).toEqual(["accept-encoding", "via", "x-kept"]);
      expect(names(clientResponseHeaders(incoming, "req-1"))).toEqual(["x-kept", "x-sluice-request-id"]);
    });
  }

  test("a client's Expect is answered by sluice, never passed on", () => {
    expect(upstreamRequestHeaders(new Headers({ expect: "100-continue" }), opts()).has("expect")).toBe(false);
  });

  test("an answer without a Connection header keeps all its end-to-end headers", () => {
    const h = clientResponseHeaders(new Headers({ "content-type": "application/json", "x-a": "1" }), "r");
    expect(names(h)).toEqual(["content-type", "x-a", "x-sluice-request-id"]);
  });
});

describe("key headers", () => {
  const client = () => new Headers({ authorization: "Bearer c", "x-api-key": "c", "x-goog-api-key": "c" });

  test("without a key of sluice's and without the gate, the client's own keys pass", () => {
    const h = upstreamRequestHeaders(client(), opts());
    expect([h.get("authorization"), h.get("x-api-key"), h.get("x-goog-api-key")]).toEqual([
      "Bearer c",
      "c",
      "c",
    ]);
  });

  test("with the gate on and no key of sluice's, no key header goes at all (not even an empty one)", () => {
    const h = upstreamRequestHeaders(client(), opts({ stripClientKeys: true }));
    expect(names(h)).toEqual(["accept-encoding", "via"]);
  });

  test("sluice's key goes in each API's own header", () => {
    const key = (api: "anthropic" | "openai" | "gemini") =>
      Object.fromEntries(
        upstreamRequestHeaders(new Headers(), opts({ upstream: { api, apiKey: "k" } })).entries(),
      );
    expect(key("anthropic")).toMatchObject({ "x-api-key": "k" });
    expect(key("anthropic").authorization).toBeUndefined();
    expect(key("openai")).toMatchObject({ authorization: "Bearer k" });
    expect(key("gemini")).toMatchObject({ "x-goog-api-key": "k" });
  });
});

describe("anthropic-version default", () => {
  test("is added for an Anthropic upstream when the client sent none", () => {
    const h = upstreamRequestHeaders(new Headers(), opts({ anthropicVersion: "2023-06-01" }));
    expect(h.get("anthropic-version")).toBe("2023-06-01");
  });

  test("never replaces the client's own version", () => {
    const h = upstreamRequestHeaders(
      new Headers({ "anthropic-version": "2024-01-01" }),
      opts({ anthropicVersion: "2023-06-01" }),
    );
    expect(h.get("anthropic-version")).toBe("2024-01-01");
  });

  test("is not added for OpenAI or Gemini, nor when no default is configured", () => {
    for (const api of ["openai", "gemini"] as const) {
      const h = upstreamRequestHeaders(
        new Headers(),
        opts({ upstream: { api, apiKey: "" }, anthropicVersion: "2023-06-01" }),
      );
      expect(h.has("anthropic-version")).toBe(false);
    }
    expect(upstreamRequestHeaders(new Headers(), opts()).has("anthropic-version")).toBe(false);
  });
});

describe("content-encoding of a rewritten body", () => {
  const gz = () => new Headers({ "content-encoding": "gzip" });
  test("null removes the client's, a value replaces it, undefined keeps it", () => {
    expect(upstreamRequestHeaders(gz(), opts({ contentEncoding: null })).has("content-encoding")).toBe(false);
    expect(upstreamRequestHeaders(gz(), opts({ contentEncoding: "br" })).get("content-encoding")).toBe("br");
    expect(upstreamRequestHeaders(gz(), opts()).get("content-encoding")).toBe("gzip");
    expect(upstreamRequestHeaders(new Headers(), opts()).has("content-encoding")).toBe(false);
  });
});

describe("the client's x-request-id", () => {
  const id = (v?: string) => clientRequestId(new Headers(v === undefined ? {} : { "x-request-id": v }));

  test("is a printable token of at most 200 characters, surrounding blanks trimmed", () => {
    expect(id("req-42")).toBe("req-42");
    expect(id("  req-42  ")).toBe("req-42");
    expect(id("!~")).toBe("!~");
    expect(id("x".repeat(200))).toBe("x".repeat(200));
  });

  test("anything else is ignored, not cut or cleaned", () => {
    expect(id()).toBeUndefined();
    expect(id("")).toBeUndefined();
    expect(id("   ")).toBeUndefined();
    expect(id("x".repeat(201))).toBeUndefined();
    expect(id("two words")).toBeUndefined();
    expect(id("é-id")).toBeUndefined();
    expect(id("id-é")).toBeUndefined();
    expect(id("a\tb")).toBeUndefined();
  });

  test("is echoed, keeping a different upstream id beside it", () => {
    const out = new Headers({ "x-request-id": "up-1" });
    echoRequestId(out, "mine");
    expect(out.get("x-request-id")).toBe("mine");
    expect(out.get("x-sluice-upstream-request-id")).toBe("up-1");
  });

  test("an upstream that echoed the same id, or sent none, adds no upstream id", () => {
    const same = new Headers({ "x-request-id": "mine" });
    echoRequestId(same, "mine");
    expect(names(same)).toEqual(["x-request-id"]);
    const none = new Headers();
    echoRequestId(none, "mine");
    expect(names(none)).toEqual(["x-request-id"]);
  });

  test("without one, the answer's headers are left as they are", () => {
    const out = new Headers({ "x-request-id": "up-1" });
    echoRequestId(out, undefined);
    expect([...out.entries()]).toEqual([["x-request-id", "up-1"]]);
  });
});

describe("loop detection", () => {
  test("a request without a Via header is no loop", () => {
    expect(isLoop(new Headers(), VIA)).toBe(false);
    expect(isLoop(new Headers({ via: "1.1 other-proxy" }), VIA)).toBe(false);
  });
});
