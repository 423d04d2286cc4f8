// Turns the host names a user asks for into certificate subjectAltName entries: DNS names
// (lower-cased, IDNs as punycode) and IP literals as raw bytes (4 for IPv4, 16 for IPv6).
// Pure: bad entries come back as error strings, all of them at once, never thrown.

import { isIPv4, isIPv6 } from "node:net";
import { domainToASCII } from "node:url";

export type SanEntry = { kind: "dns"; name: string } | { kind: "ip"; text: string; bytes: Uint8Array };

export interface ParsedHosts {
  entries: SanEntry[];
  errors: string[];
}

// A DNS label of letters, digits, '-' and '_' (seen in the wild), optionally a leading "*." wildcard.
const DNS_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Classify, normalise and de-duplicate; order of first appearance is kept. */
export function parseHosts(hosts: readonly string[]): ParsedHosts {
  const entries: SanEntry[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const raw of hosts) {
    const entry = parseHost(raw);
    if (typeof entry === "string") {
      errors.push(entry);
      continue;
    }
    const key = entry.kind === "dns" ? `dns:${entry.name}` : `ip:${entry.bytes.join(".")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push(entry);
  }
  if (entries.length === 0 && errors.length === 0) errors.push("at least one host name or IP is needed");
  return { entries, errors };
}

function parseHost(raw: string): SanEntry | string {
  const trimmed = raw.trim();
  // "[::1]" is how IPv6 appears in URLs; accept it.
  const host = trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
  if (host === "") return `empty host name in ${JSON.stringify(raw)}`;
  if (isIPv4(host)) return { kind: "ip", text: host, bytes: Uint8Array.from(host.split(".").map(Number)) };
  if (host.includes(":")) {
    if (host.includes("%")) return `IPv6 zone ids cannot go in a certificate: ${JSON.stringify(raw)}`;
    const bytes = isIPv6(host) ? ipv6Bytes(host) : undefined;
    return bytes ? { kind: "ip", text: host, bytes } : `not a valid IPv6 address: ${JSON.stringify(raw)}`;
  }
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  const wildcard = name.startsWith("*.");
  const ascii = domainToASCII(wildcard ? name.slice(2) : name);
  const full = wildcard ? `*.${ascii}` : ascii;
  if (ascii === "" || full.length > 253 || !DNS_NAME.test(full)) {
    return `not a valid DNS name or IP address: ${JSON.stringify(raw)}`;
  }
  return { kind: "dns", name: full };
}

/** 16 bytes of an IPv6 literal (already checked by isIPv6), including "::" and an IPv4 tail. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  let groups: number[] = [];
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parseSide = (side: string | undefined): number[] | undefined => {
    if (side === undefined || side === "") return [];
    const out: number[] = [];
    for (const part of side.split(":")) {
      if (isIPv4(part)) {
        const [a = 0, b = 0, c = 0, d = 0] = part.split(".").map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
        out.push(Number.parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = parseSide(halves[0]);
  const tail = parseSide(halves[1]);
  if (!head || !tail) return undefined;
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}
