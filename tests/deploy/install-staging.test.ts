// deploy/install.sh (behind `make install-service`), staged into a DESTDIR: what it installs,
// with which modes, what it never overwrites, and the drop-in it derives from the settings.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeStaged, stageInstall } from "./helpers.ts";

afterAll(removeStaged);

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("install-service", () => {
  test("installs the binary, unit, drop-in, config skeleton and a certificate pair", () => {
    const { destdir, result } = stageInstall();
    expect(result.code).toBe(0);
    const at = (p: string) => join(destdir, p);
    expect(mode(at("usr/local/bin/sluice"))).toBe("755");
    expect(mode(at("etc/sluice"))).toBe("750");
    expect(mode(at("etc/sluice/sluice.toml"))).toBe("640");
    expect(mode(at("etc/sluice/sluice.env"))).toBe("640");
    expect(mode(at("etc/sluice/certs/server.key"))).toBe("640");
    expect(readFileSync(at("etc/sluice/certs/server.crt"), "utf8")).toContain("BEGIN CERTIFICATE");
    expect(readFileSync(at("etc/systemd/system/sluice.service"), "utf8")).toContain(
      "ExecStart=/usr/local/bin/sluice serve --config /etc/sluice/sluice.toml",
    );
    const dropin = readFileSync(at("etc/systemd/system/sluice.service.d/10-install.conf"), "utf8");
    expect(dropin).toContain("TimeoutStopSec=45s");
    expect(dropin).not.toContain("CAP_NET_BIND_SERVICE");
  });

  test("keeps an existing configuration and derives the drop-in from it", () => {
    const { destdir, result } = stageInstall((d) => {
      mkdirSync(join(d, "etc/sluice"), { recursive: true });
      writeFileSync(join(d, "etc/sluice/sluice.toml"), "port = 8443\nshutdown_timeout = 60.5\n");
      writeFileSync(join(d, "etc/sluice/sluice.env"), "SLUICE_PORT=443\n");
    });
    expect(result.code).toBe(0);
    expect(readFileSync(join(destdir, "etc/sluice/sluice.toml"), "utf8")).toBe(
      "port = 8443\nshutdown_timeout = 60.5\n",
    );
    const dropin = readFileSync(join(destdir, "etc/systemd/system/sluice.service.d/10-install.conf"), "utf8");
    // The environment file wins over the TOML file, as in sluice itself; 60.5 s rounds up, plus 15.
    expect(dropin).toContain("TimeoutStopSec=76s");
    expect(dropin).toContain("AmbientCapabilities=CAP_NET_BIND_SERVICE");
    expect(dropin).toContain("CapabilityBoundingSet=CAP_NET_BIND_SERVICE");
  });
});
