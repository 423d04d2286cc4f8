import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCertFiles } from "../../../src/tls/selfsigned.ts";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sluice-certs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe("writeCertFiles", () => {
  test("creates missing parent directories and writes a matching cert and key", async () => {
    const cert = join(dir, "a", "b", "server.crt");
    const key = join(dir, "c", "server.key");
    expect(await writeCertFiles(cert, key, ["localhost", "127.0.0.1"])).toEqual({ written: true });
    const x509 = new X509Certificate(await readFile(cert));
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x509.checkPrivateKey(createPrivateKey(await readFile(key)))).toBe(true);
  });

  test("writes the cert world-readable (0644) and the key owner-only (0600)", async () => {
    const cert = join(dir, "server.crt");
    const key = join(dir, "server.key");
    await writeCertFiles(cert, key, ["localhost"]);
    expect(await mode(cert)).toBe(0o644);
    expect(await mode(key)).toBe(0o600);
  });

  test("leaves existing files alone and reports written: false", async () => {
    const cert = join(dir, "server.crt");
    const key = join(dir, "server.key");
    await writeCertFiles(cert, key, ["localhost"]);
    const before = [await readFile(cert, "utf8"), await readFile(key, "utf8")];
    expect(await writeCertFiles(cert, key, ["localhost"])).toEqual({ written: false });
    expect([await readFile(cert, "utf8"), await readFile(key, "utf8")]).toEqual(before);
  });

  test("writes neither file when only one of them exists", async () => {
    const cert = join(dir, "server.crt");
    const key = join(dir, "server.key");
    await writeFile(key, "my own key");
    expect(await writeCertFiles(cert, key, ["localhost"])).toEqual({ written: false });
    expect(await readdir(dir)).toEqual(["server.key"]);
    expect(await readFile(key, "utf8")).toBe("my own key");
  });

  test("replaces both files with force, restoring the key's 0600", async () => {
    const cert = join(dir, "server.crt");
    const key = join(dir, "server.key");
    await writeFile(cert, "old cert", { mode: 0o666 });
    await writeFile(key, "old key", { mode: 0o666 });
    expect(await writeCertFiles(cert, key, ["localhost"], { force: true })).toEqual({ written: true });
    expect(await readFile(cert, "utf8")).toStartWith("-----BEGIN CERTIFICATE-----");
    expect(await readFile(key, "utf8")).toStartWith("-----BEGIN PRIVATE KEY-----");
    expect(await mode(key)).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(["server.crt", "server.key"]);
  });

  test("rejects bad host names before touching the disk", async () => {
    const cert = join(dir, "server.crt");
    await expect(writeCertFiles(cert, join(dir, "server.key"), ["not a host"])).rejects.toThrow(/not a host/);
    expect(await readdir(dir)).toEqual([]);
  });
});
