import { describe, expect, test } from "bun:test";
import { createKeyGate, presentedKeys } from "../../../src/proxy/auth.ts";
import { keepsOwnCredentials } from "../../../src/proxy/client-credentials.ts";
import { upstreamRequestHeaders } from "../../../src/proxy/headers.ts";

const gate = createKeyGate([{ name: "alice", key: "sk-internal" }]);
const keeps = (h: Record<string, string>, query = "") => keepsOwnCredentials(gate, new Headers(h), query);

describe("x-sluice-key at the gate", () => {
  test("is one of the presented keys, and the gate accepts it", () => {
    expect(presentedKeys(new Headers({ "x-sluice-key": " sk-internal " }), "")).toEqual(["sk-internal"]);
    expect(
      gate.check(new Headers({ "x-sluice-key": "sk-internal", authorization: "Bearer other" }), ""),
    ).toBe("alice");
  });

  test("keeps the client's own credentials only when the internal key came in x-sluice-key alone", () => {
    expect(keeps({ "x-sluice-key": "sk-internal", authorization: "Bearer sub" })).toBe(true);
    expect(keeps({ "x-sluice-key": "sk-internal" }, "?key=g-own")).toBe(true);
    expect(keeps({ authorization: "Bearer sk-internal" })).toBe(false);
    expect(keeps({ "x-sluice-key": "sk-internal", "x-api-key": "sk-internal" })).toBe(false);
    expect(keeps({ "x-sluice-key": "sk-internal" }, "?key=sk-internal")).toBe(false);
    expect(keeps({ "x-sluice-key": "wrong", authorization: "Bearer sk-internal" })).toBe(false);
  });

  test("never applies without a gate", () => {
    expect(keepsOwnCredentials(createKeyGate([]), new Headers({ "x-sluice-key": "x" }), "")).toBe(false);
  });

  test("is never forwarded upstream", () => {
    const h = upstreamRequestHeaders(
      new Headers({ "x-sluice-key": "sk-internal", authorization: "Bearer sub" }),
      {
        upstream: { api: "anthropic", apiKey: "" },
        stripClientKeys: false,
        via: "1.1 sluice-x",
      },
    );
    expect(h.has("x-sluice-key")).toBe(false);
    expect(h.get("authorization")).toBe("Bearer sub");
  });
});
