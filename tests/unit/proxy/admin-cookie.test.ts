// sluice's own admin session cookie never goes upstream, on any path; the client's other
// cookies do, as they were.
import { describe, expect, test } from "bun:test";
import { upstreamRequestHeaders, withoutCookie } from "../../../src/proxy/headers.ts";

const opts = {
  upstream: { api: "anthropic" as const, apiKey: "" },
  stripClientKeys: false,
  via: "1.1 sluice-x",
};

describe("the sluice_admin cookie", () => {
  test("is removed from the Cookie header, the other cookies kept in order", () => {
    expect(withoutCookie("a=1; sluice_admin=tok; b=2", "sluice_admin")).toBe("a=1; b=2");
    expect(withoutCookie("sluice_admin=tok;a=1;sluice_admin=old", "sluice_admin")).toBe("a=1");
    expect(withoutCookie("a=1; b=2", "sluice_admin")).toBe("a=1; b=2");
    expect(withoutCookie("sluice_admin_x=1; xsluice_admin=2", "sluice_admin")).toBe(
      "sluice_admin_x=1; xsluice_admin=2",
    );
  });

  test("never reaches upstream; a Cookie header left empty is dropped", () => {
    const only = upstreamRequestHeaders(new Headers({ cookie: "sluice_admin=tok" }), opts);
    expect(only.has("cookie")).toBe(false);
    const mixed = upstreamRequestHeaders(new Headers({ cookie: "theme=dark; sluice_admin=tok" }), opts);
    expect(mixed.get("cookie")).toBe("theme=dark");
  });
});
