// The shape of a self-signed X.509 v3 certificate (RFC 5280) as DER bytes. Pure: the key
// material, serial, clock and signer come in as arguments, so the layout is testable alone.

import {
  bitString,
  boolean,
  explicit,
  ia5Bytes,
  implicit,
  integer,
  namedBits,
  octetString,
  oid,
  sequence,
  set,
  unsignedInteger,
  utf8String,
  x509Time,
} from "./der.ts";
import type { SanEntry } from "./hosts.ts";

/** Object identifiers used below, by their RFC names. */
export const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
} as const;

/** KeyUsage bit positions (RFC 5280 4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5 } as const;

export interface CertificateFields {
  /** DER SubjectPublicKeyInfo, embedded as is. */
  spki: Uint8Array;
  /** Key identifier (SHA-1 of the public key bits, RFC 5280 4.2.1.2 method 1). */
  keyId: Uint8Array;
  /** Unsigned big-endian serial number. */
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  commonName: string;
  organization: string;
  san: readonly SanEntry[];
}

/** Signs the TBSCertificate bytes; returns a DER ECDSA-Sig-Value. */
export type Signer = (tbs: Uint8Array) => Uint8Array;

export function buildCertificate(fields: CertificateFields, sign: Signer): Uint8Array {
  const tbs = tbsCertificate(fields);
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  return sequence(tbs, algorithm, bitString(sign(tbs)));
}

export function tbsCertificate(f: CertificateFields): Uint8Array {
  const name = distinguishedName(f.organization, f.commonName);
  return sequence(
    explicit(0, integer(2)), // version v3
    unsignedInteger(f.serial),
    sequence(oid(OID.ecdsaWithSha256)), // parameters absent for ECDSA (RFC 5758 3.2)
    name, // issuer = subject: self-signed
    sequence(x509Time(f.notBefore), x509Time(f.notAfter)),
    name,
    f.spki,
    explicit(3, sequence(...extensions(f))),
  );
}

function distinguishedName(organization: string, commonName: string): Uint8Array {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(rdn(OID.organizationName, organization), rdn(OID.commonName, commonName));
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  // DER omits a BOOLEAN that equals its DEFAULT (FALSE).
  const parts = critical ? [oid(id), boolean(true), octetString(value)] : [oid(id), octetString(value)];
  return sequence(...parts);
}

function extensions(f: CertificateFields): Uint8Array[] {
  return [
    extension(OID.basicConstraints, true, sequence(boolean(true))),
    extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign])),
    extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(...f.san.map(generalName))),
    extension(OID.subjectKeyIdentifier, false, octetString(f.keyId)),
    extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, f.keyId))),
  ];
}

/** GeneralName: dNSName [2] IA5String, iPAddress [7] OCTET STRING, both IMPLICIT. */
function generalName(entry: SanEntry): Uint8Array {
  if (entry.kind === "ip") return implicit(7, entry.bytes);
  return implicit(2, ia5Bytes(entry.name));
}

/** PEM armour: base64 in 64-column lines between BEGIN/END labels. */
export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
