// Which upstream a request goes to, and in which API format sluice speaks to the client.
// Pure: decided from method, path and one header, exactly as CONTRACT.md "Routes" says.

import type { UpstreamName } from "../config/types.ts";
import type { Api } from "../errors.ts";

export type Endpoint = "messages" | "count_tokens" | "chat_completions" | "other";

export interface RouteDecision {
  upstream: UpstreamName;
  /** API format of the client, used for sluice's own error bodies. */
  api: Api;
  endpoint: Endpoint;
}

export function pickRoute(method: string, path: string, hasAnthropicVersion: boolean): RouteDecision {
  if (method === "POST" && path === "/v1/messages")
    return { upstream: "anthropic", api: "anthropic", endpoint: "messages" };
  if (method === "POST" && path === "/v1/messages/count_tokens") {
    return { upstream: "anthropic", api: "anthropic", endpoint: "count_tokens" };
  }
  if (path.startsWith("/v1/") || path === "/v1") {
    if (hasAnthropicVersion) return { upstream: "anthropic", api: "anthropic", endpoint: "other" };
    const endpoint = method === "POST" && path === "/v1/chat/completions" ? "chat_completions" : "other";
    return { upstream: "openai", api: "openai", endpoint };
  }
  if (path.startsWith("/v1beta/") || path === "/v1beta")
    return { upstream: "gemini", api: "gemini", endpoint: "other" };
  return { upstream: "anthropic", api: "anthropic", endpoint: "other" };
}

/**
 * Joins an upstream base URL (origin plus optional prefix) with the client's path and query.
 * A base that already ends in the path's first segment (".../v1" + "/v1/chat/completions")
 * does not get it twice, so both "https://api.openai.com" and "https://openrouter.ai/api/v1" work.
 */
export function upstreamUrl(baseUrl: string, pathAndQuery: string): string {
  const slash = pathAndQuery.indexOf("/", 1);
  const first = slash === -1 ? pathAndQuery : pathAndQuery.slice(0, slash);
  if (first.length > 1 && baseUrl.endsWith(first)) return baseUrl + pathAndQuery.slice(first.length);
  return baseUrl + pathAndQuery;
}

/** Splits "https://h:1/a/b?q=1" into "/a/b" and "?q=1" without a URL object on the hot path. */
export function splitUrl(url: string): { path: string; query: string } {
  const scheme = url.indexOf("://");
  const start = scheme === -1 ? 0 : url.indexOf("/", scheme + 3);
  if (start === -1) return { path: "/", query: "" };
  const q = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = hash === -1 ? url.length : hash;
  if (q === -1 || q > end) return { path: url.slice(start, end), query: "" };
  return { path: url.slice(start, q), query: url.slice(q, end) };
}

/** Removes `key=` from a query string (a Gemini client key must not reach upstream when overridden). */
export function dropQueryKey(query: string): string {
  if (!query.includes("key=")) return query;
  const params = new URLSearchParams(query);
  params.delete("key");
  const rest = params.toString();
  return rest === "" ? "" : `?${rest}`;
}
