import { afterAll, describe, expect, test } from "bun:test";
import { generateSelfSigned } from "../../../src/tls/selfsigned.ts";

const { certPem, keyPem } = generateSelfSigned({ hosts: ["localhost", "127.0.0.1", "::1"] });
const otherNames = generateSelfSigned({ hosts: ["example.test"] });

const serve = (tls: { cert: string; key: string }) =>
  Bun.serve({ port: 0, hostname: "127.0.0.1", tls, fetch: () => new Response("hello over tls") });
const server = serve({ cert: certPem, key: keyPem });
const wrongNameServer = serve({ cert: otherNames.certPem, key: otherNames.keyPem });
const url = `https://127.0.0.1:${server.port}/`;

afterAll(() => {
  server.stop(true);
  wrongNameServer.stop(true);
});

/** The error code a failed fetch carries, or "ok". */
async function outcome(target: string, init: BunFetchRequestInit = {}): Promise<string> {
  try {
    await fetch(target, init);
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

describe("Bun.serve with a generated cert", () => {
  test("answers a fetch that trusts the cert as its CA", async () => {
    const res = await fetch(url, { tls: { ca: certPem } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello over tls");
  });

  test("is refused by a fetch that does not trust the cert", async () => {
    expect(await outcome(url)).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  test("is refused when the trusted CA is a different generated cert", async () => {
    const stranger = generateSelfSigned({ hosts: ["127.0.0.1"] }).certPem;
    expect(await outcome(url, { tls: { ca: stranger } })).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  test("is refused when the address is not among the cert's names, even if trusted", async () => {
    const target = `https://127.0.0.1:${wrongNameServer.port}/`;
    expect(await outcome(target, { tls: { ca: otherNames.certPem } })).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });
});
