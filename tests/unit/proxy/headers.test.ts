import { describe, expect, test } from "bun:test";
import {
  clientResponseHeaders,
  isLoop,
  type KeyedUpstream,
  upstreamRequestHeaders,
} from "../../../src/proxy/headers.ts";

const anthropic: KeyedUpstream = { api: "anthropic", apiKey: "" };
const VIA = "1.1 sluice-abcd1234";

describe("upstream request headers", () => {
  test("drops hop-by-hop headers and the ones Connection names", () => {
    const h = upstreamRequestHeaders(
      new Headers({
        connection: "keep-alive, x-private",
        "keep-alive": "timeout=5",
        te: "trailers",
        upgrade: "h2c",
        "proxy-authorization": "Basic x",
        "x-private": "1",
        "anthropic-beta": "a,b",
      }),
      { upstream: anthropic, stripClientKeys: false, via: VIA },
    );
    for (const name of ["connection", "keep-alive", "te", "upgrade", "proxy-authorization", "x-private"]) {
      expect(h.has(name)).toBe(false);
    }
    expect(h.get("anthropic-beta")).toBe("a,b");
  });
  test("never passes the client's Host or Content-Length", () => {
    const h = upstreamRequestHeaders(new Headers({ host: "127.0.0.1:8443", "content-length": "5" }), {
      upstream: anthropic,
      stripClientKeys: false,
      via: VIA,
    });
    expect(h.has("host")).toBe(false);
    expect(h.has("content-length")).toBe(false);
  });
  test("asks for identity when the client did not ask for compression", () => {
    const plain = upstreamRequestHeaders(new Headers(), {
      upstream: anthropic,
      stripClientKeys: false,
      via: VIA,
    });
    expect(plain.get("accept-encoding")).toBe("identity");
    const gz = upstreamRequestHeaders(new Headers({ "accept-encoding": "gzip" }), {
      upstream: anthropic,
      stripClientKeys: false,
      via: VIA,
    });
    expect(gz.get("accept-encoding")).toBe("gzip");
  });
  test("an override key replaces every client key header", () => {
    const incoming = new Headers({
      authorization: "Bearer client",
      "x-api-key": "client",
      "x-goog-api-key": "client",
    });
    const a = upstreamRequestHeaders(incoming, {
      upstream: { ...anthropic, apiKey: "sk-real" },
      stripClientKeys: false,
      via: VIA,
    });
    expect([a.get("x-api-key"), a.get("authorization"), a.get("x-goog-api-key")]).toEqual([
      "sk-real",
      null,
      null,
    ]);
    const o = upstreamRequestHeaders(incoming, {
      upstream: { api: "openai", apiKey: "sk-o" },
      stripClientKeys: false,
      via: VIA,
    });
    expect([o.get("authorization"), o.get("x-api-key")]).toEqual(["Bearer sk-o", null]);
    const g = upstreamRequestHeaders(incoming, {
      upstream: { api: "gemini", apiKey: "g-key" },
      stripClientKeys: false,
      via: VIA,
    });
    expect([g.get("x-goog-api-key"), g.get("authorization")]).toEqual(["g-key", null]);
  });
  test("internal keys are stripped when the gate is on", () => {
    const h = upstreamRequestHeaders(new Headers({ authorization: "Bearer internal" }), {
      upstream: anthropic,
      stripClientKeys: true,
      via: VIA,
    });
    expect(h.has("authorization")).toBe(false);
  });
  test("appends its Via token and detects its own token as a loop", () => {
    const h = upstreamRequestHeaders(new Headers({ via: "1.1 edge" }), {
      upstream: anthropic,
      stripClientKeys: false,
      via: VIA,
    });
    expect(h.get("via")).toBe(`1.1 edge, ${VIA}`);
    expect(isLoop(h, VIA)).toBe(true);
    expect(isLoop(new Headers({ via: "1.1 sluice-other" }), VIA)).toBe(false);
  });
});

describe("client response headers", () => {
  test("drop hop-by-hop, keep encoding and length, add the request id", () => {
    const h = clientResponseHeaders(
      new Headers({
        connection: "close, x-hop",
        "x-hop": "1",
        "transfer-encoding": "chunked",
        "content-encoding": "gzip",
        "content-length": "20",
      }),
      "req-1",
    );
    expect(h.has("connection")).toBe(false);
    expect(h.has("x-hop")).toBe(false);
    expect(h.has("transfer-encoding")).toBe(false);
    expect(h.get("content-encoding")).toBe("gzip");
    expect(h.get("content-length")).toBe("20");
    expect(h.get("x-sluice-request-id")).toBe("req-1");
  });
});
