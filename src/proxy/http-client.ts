// The only place sluice calls fetch. Upstream requests never follow redirects (a 3xx is
// handed back, and keys are not re-sent to another origin), never decompress (bytes reach
// the client exactly as upstream sent them) and reuse Bun's keep-alive connection pool.
import { type ProxyError, proxyError } from "../errors.ts";

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface UpstreamRequest {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array | null;
}

export function sendUpstream(fetchFn: FetchFn, r: UpstreamRequest, signal: AbortSignal): Promise<Response> {
  return fetchFn(r.url, {
    method: r.method,
    headers: r.headers,
    body: r.body,
    signal,
    redirect: "manual",
    decompress: false,
    keepalive: true,
  } as RequestInit);
}

/** Why a local abort happened; set as the AbortController's reason. */
export type AbortCause = "read_timeout" | "connect_timeout" | "connect_failed" | "client_closed";

const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ConnectionRefused",
  "FailedToOpenSocket",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
]);

/** Maps what fetch threw (or why we aborted it) to a ProxyError with its source and retryability. */
export function classifyFetchError(err: unknown, cause: AbortCause | undefined, host: string): ProxyError {
  switch (cause) {
    case "client_closed":
      return proxyError("client_closed", "client closed the connection");
    case "read_timeout":
      return proxyError("upstream_timeout", `upstream ${host} sent nothing within the read timeout`);
    case "connect_timeout":
      return proxyError(
        "upstream_unreachable",
        `could not connect to upstream ${host} within the connect timeout`,
      );
    case "connect_failed":
      return proxyError("upstream_unreachable", `could not connect to upstream ${host}`);
  }
  const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
  if (CONNECT_CODES.has(code))
    return proxyError("upstream_unreachable", `could not connect to upstream ${host} (${code})`);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return {
      ...proxyError("upstream_unreachable", `cannot resolve upstream host ${host}`),
      retryable: false,
    };
  }
  if (code.includes("CERT") || code.includes("TLS") || code.includes("SSL")) {
    return {
      ...proxyError("upstream_error", `TLS error talking to upstream ${host} (${code})`),
      retryable: false,
    };
  }
  const detail = code || (err instanceof Error ? err.name : "error");
  return proxyError("upstream_error", `upstream ${host} failed (${detail})`);
}
