// Header rules between client, sluice and upstream. Pure; every drop has a reason.
// Hop-by-hop headers belong to one connection only (RFC 9110 section 7.6.1), so they never
// cross the proxy in either direction, nor do the headers a Connection header names.
import { COOKIE_NAME } from "../admin/auth.ts";
import type { UpstreamName } from "../config/types.ts";
import { propagateTrace } from "../telemetry/otel-context.ts";

/** RFC 9110 7.6.1 plus the de-facto Proxy-Connection and Keep-Alive. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Request headers sluice sets itself or must not pass on. */
const REQUEST_DROP = new Set([
  // upstream must see its own Host; fetch derives it from the URL
  "host",
  // the body may be rewritten; fetch computes the length of what is actually sent
  "content-length",
  // sluice answers 100-continue itself by reading the body
  "expect",
  // sluice's own key header: the internal key is never forwarded
  "x-sluice-key",
]);

/** Credential headers a client may carry; dropped when sluice's own key gate is on or a key is overridden. */
export const CLIENT_KEY_HEADERS = ["authorization", "x-api-key", "x-goog-api-key"] as const;

function connectionTokens(headers: Headers): Set<string> | undefined {
  const value = headers.get("connection");
  if (!value) return undefined;
  return new Set(value.split(",").map((t) => t.trim().toLowerCase()));
}

/** The API whose header style carries sluice's key, and the key chosen from its pool ("" = none). */
export interface KeyedUpstream {
  api: UpstreamName;
  apiKey: string;
}

/**
 * A Cookie header without the named cookie. sluice's own admin session (sluice_admin) is scoped
 * to the admin paths, but a browser or script may still send it anywhere: it is sluice's, never
 * the upstream's.
 */
export function withoutCookie(header: string, name: string): string {
  const parts = header.split(";");
  const kept = parts.filter((p) => {
    const eq = p.indexOf("=");
    return (eq < 0 ? p : p.slice(0, eq)).trim() !== name;
  });
  return kept.length === parts.length
    ? header
    : kept
        .map((p) => p.trim())
        .filter((p) => p !== "")
        .join("; ");
}

export interface UpstreamHeaderOptions {
  upstream: KeyedUpstream;
  /** The client's key was sluice's internal key: never forward it. */
  stripClientKeys: boolean;
  /** This proxy's Via token, for loop detection. */
  via: string;
  /** Overrides the client's content-type / content-encoding when sluice rewrote the body. */
  contentEncoding?: string | null;
  /** anthropic-version for an Anthropic upstream when the client sent none (SLUICE_ANTHROPIC_VERSION). */
  anthropicVersion?: string;
  /** sluice's own span as the upstream's parent (OpenTelemetry on); replaces the client's. */
  traceparent?: string;
}

/**
 * A copy of `headers` without the hop-by-hop ones (and `more`). Copied natively and then
 * deleted from: a third of the cost of walking every header in JavaScript.
 */
function withoutHopByHop(headers: Headers, more?: ReadonlySet<string>): Headers {
  const named = connectionTokens(headers);
  const out = new Headers(headers);
  for (const name of HOP_BY_HOP) out.delete(name);
  if (more) for (const name of more) out.delete(name);
  if (named) for (const name of named) out.delete(name);
  return out;
}

export function upstreamRequestHeaders(incoming: Headers, opts: UpstreamHeaderOptions): Headers {
  const out = withoutHopByHop(incoming, REQUEST_DROP);
  const cookie = out.get("cookie");
  if (cookie !== null) {
    const kept = withoutCookie(cookie, COOKIE_NAME);
    if (kept === "") out.delete("cookie");
    else if (kept !== cookie) out.set("cookie", kept);
  }
  const key = opts.upstream.apiKey;
  if (opts.stripClientKeys || key !== "") for (const h of CLIENT_KEY_HEADERS) out.delete(h);
  if (key !== "") {
    if (opts.upstream.api === "anthropic") out.set("x-api-key", key);
    else if (opts.upstream.api === "gemini") out.set("x-goog-api-key", key);
    else out.set("authorization", `Bearer ${key}`);
  }
  // Without an explicit value Bun's fetch asks for gzip/br/zstd; with decompress off the client
  // would then get a compression it never asked for.
  if (!out.get("accept-encoding")) out.set("accept-encoding", "identity");
  // Anthropic refuses a request without a version; curl and hand-written clients forget it.
  if (opts.anthropicVersion && opts.upstream.api === "anthropic" && !out.has("anthropic-version"))
    out.set("anthropic-version", opts.anthropicVersion);
  if (opts.contentEncoding === null) out.delete("content-encoding");
  else if (opts.contentEncoding !== undefined) out.set("content-encoding", opts.contentEncoding);
  const via = incoming.get("via");
  out.set("via", via ? `${via}, ${opts.via}` : opts.via);
  propagateTrace(out, opts.traceparent, incoming);
  return out;
}

/** Upstream response headers as the client gets them: bytes are forwarded as they came, so
 * content-encoding and content-length stay; only hop-by-hop ones go. */
export function clientResponseHeaders(upstream: Headers, requestId: string): Headers {
  const out = withoutHopByHop(upstream);
  out.set("x-sluice-request-id", requestId);
  return out;
}

/** Longest client x-request-id passed on and echoed; longer ones are ignored, not cut. */
const MAX_REQUEST_ID = 200;

/** The client's own x-request-id when it is a printable token of sane length, else undefined. */
export function clientRequestId(incoming: Headers): string | undefined {
  const id = incoming.get("x-request-id")?.trim();
  if (!id || id.length > MAX_REQUEST_ID || !/^[\x21-\x7e]+$/.test(id)) return undefined;
  return id;
}

/**
 * Echoes the client's x-request-id on the answer (beside x-sluice-request-id). An upstream's
 * own, different x-request-id (OpenAI sends one) is kept as x-sluice-upstream-request-id, since
 * support desks ask for it.
 */
export function echoRequestId(out: Headers, clientId: string | undefined): void {
  if (clientId === undefined) return;
  const upstreamId = out.get("x-request-id");
  if (upstreamId !== null && upstreamId !== clientId) out.set("x-sluice-upstream-request-id", upstreamId);
  out.set("x-request-id", clientId);
}

/** True when the request already passed through this very sluice process. */
export function isLoop(incoming: Headers, via: string): boolean {
  const value = incoming.get("via");
  return value?.includes(via) === true;
}
