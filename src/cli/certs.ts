// `sluice certs [--dir certs] [--host NAME]... [--force]`: writes server.crt / server.key,
// self-signed for localhost, 127.0.0.1, ::1, the host name and any --host given.
import { join } from "node:path";
import { certInfo, defaultCertHosts, trustHint, writeCertFiles } from "../tls/selfsigned.ts";

export async function runCerts(argv: string[]): Promise<number> {
  let dir = "certs";
  let force = false;
  const hosts = defaultCertHosts();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes("=")
      ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]
      : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (name === "--dir") dir = value() ?? dir;
    else if (name === "--host") {
      const h = value();
      if (h) hosts.push(h);
    } else if (name === "--force") force = true;
    else {
      process.stderr.write(`sluice certs: unknown argument ${a}\n`);
      return 2;
    }
  }
  const cert = join(dir, "server.crt");
  const key = join(dir, "server.key");
  try {
    const { written } = await writeCertFiles(cert, key, hosts, { force });
    if (!written) {
      process.stdout.write(`${cert} and ${key} already exist; keeping them (--force replaces them)\n`);
    }
    const info = certInfo(await Bun.file(cert).text());
    process.stdout.write(
      `${written ? "wrote" : "found"} ${cert} (${info.subject}; valid until ${info.notAfter.toISOString().slice(0, 10)})\n` +
        `names: ${info.hosts.join(", ")}\n\n${trustHint(cert)}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`sluice certs: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
