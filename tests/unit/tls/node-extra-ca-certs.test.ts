// Node-based clients (the Anthropic and OpenAI SDKs, Claude Code) trust sluice's cert through
// NODE_EXTRA_CA_CERTS; this drives a real `node` process against a real Bun TLS server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSelfSigned } from "../../../src/tls/selfsigned.ts";

const { certPem, keyPem } = generateSelfSigned({ hosts: ["localhost", "127.0.0.1", "::1"] });
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  tls: { cert: certPem, key: keyPem },
  fetch: () => new Response("trusted"),
});
let dir = "";
let certFile = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sluice-tls-"));
  certFile = join(dir, "server.crt");
  await writeFile(certFile, certPem);
});

afterAll(async () => {
  server.stop(true);
  await rm(dir, { recursive: true, force: true });
});

const script = `
require("node:https")
  .get(process.argv[1], (res) => {
    let body = "";
    res.on("data", (c) => (body += c));
    res.on("end", () => console.log("ok", res.statusCode, body));
  })
  .on("error", (err) => console.log("error", err.code));
`;

async function runNode(extraCa: string | undefined): Promise<string> {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.NODE_TLS_REJECT_UNAUTHORIZED; // never let the environment switch checks off
  if (extraCa === undefined) delete env.NODE_EXTRA_CA_CERTS;
  else env.NODE_EXTRA_CA_CERTS = extraCa;
  const child = Bun.spawn(["node", "-e", script, `https://127.0.0.1:${server.port}/`], {
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = await new Response(child.stdout).text();
  await child.exited;
  return out.trim();
}

describe("node with NODE_EXTRA_CA_CERTS", () => {
  test("connects over https when NODE_EXTRA_CA_CERTS names the cert file", async () => {
    expect(await runNode(certFile)).toBe("ok 200 trusted");
  });

  test("fails with a self-signed error without it", async () => {
    expect(await runNode(undefined)).toBe("error DEPTH_ZERO_SELF_SIGNED_CERT");
  });
});
