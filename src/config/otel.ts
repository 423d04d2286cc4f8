// The OpenTelemetry settings in sluice's terms: where spans go and what rides along. Pure.
// Follows the OTLP exporter specification: a base endpoint gets `/v1/traces` appended, a
// traces endpoint is used as given, and header and resource lists are `key=value` pairs
// separated by commas with percent-encoded values (the W3C Baggage format).

export interface OtelConfig {
  /** Full URL spans are POSTed to; "" = export off. */
  tracesUrl: string;
  /** Sent with every export (authentication); never logged. */
  headers: Record<string, string>;
  serviceName: string;
  /** Extra resource attributes (OTEL_RESOURCE_ATTRIBUTES). */
  resourceAttributes: Record<string, string>;
  /** Prompt and answer text (after scrubbing) on spans. */
  captureContent: boolean;
}

/** The URL spans go to: the traces endpoint as given, else the base one plus /v1/traces. */
export function tracesUrl(endpoint: string, tracesEndpoint: string): string {
  if (tracesEndpoint !== "") return tracesEndpoint;
  if (endpoint === "") return "";
  const base = endpoint.replace(/\/+$/, "");
  // Forgiving: a base URL that already names the traces path is not given it twice.
  return base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
}

/** The entries that parsed, and what was wrong with the others. */
export interface ListResult {
  value: Record<string, string>;
  problems: string[];
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * `name=value,name=value` with percent-encoded values. Problems name the entry by position,
 * never by content: header values are credentials.
 */
export function parseKeyValueList(text: string): ListResult {
  const value: Record<string, string> = {};
  const problems: string[] = [];
  const entries = text.split(",");
  entries.forEach((raw, i) => {
    const entry = raw.trim();
    if (entry === "") return;
    const eq = entry.indexOf("=");
    const key = eq > 0 ? entry.slice(0, eq).trim() : "";
    const decoded = eq > 0 ? decode(entry.slice(eq + 1).trim()) : undefined;
    if (key === "") problems.push(`entry ${i + 1} is not name=value`);
    else if (decoded === undefined) problems.push(`entry ${i + 1} (${key}) has a bad %-escape`);
    else value[key] = decoded;
  });
  return { value, problems };
}

/** A header name fetch accepts (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
