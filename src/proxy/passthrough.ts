// Plain forwarding: the prepared request goes to one upstream as it is (path, query and
// headers kept, keys handled by headers.ts) and the answer is relayed untouched.
import type { UpstreamConfig } from "../config/types.ts";
import { announceRequest, type RequestContext, sendDeps } from "./context.ts";
import { upstreamRequestHeaders } from "./headers.ts";
import { respond } from "./respond.ts";
import { dropQueryKey, upstreamUrl } from "./route.ts";
import { sendWithRetries } from "./send.ts";

const hostCache = new Map<string, string>();
const hostOf = (baseUrl: string) => {
  let host = hostCache.get(baseUrl);
  if (host === undefined) {
    host = new URL(baseUrl).host;
    hostCache.set(baseUrl, host);
  }
  return host;
};

export async function passthrough(ctx: RequestContext, upstream: UpstreamConfig): Promise<Response> {
  const { req, deps, ex } = ctx;
  const stripKeys = deps.gate.enabled || upstream.apiKey !== "";
  const target = upstreamUrl(upstream.baseUrl, ctx.path + (stripKeys ? dropQueryKey(ctx.query) : ctx.query));
  const headers = upstreamRequestHeaders(req.headers, {
    upstream,
    stripClientKeys: deps.gate.enabled,
    via: deps.via,
    anthropicVersion: deps.config.anthropicVersion,
    ...(ctx.contentEncoding !== undefined ? { contentEncoding: ctx.contentEncoding } : {}),
  });
  // Restoring pseudonyms needs the answer's plain bytes.
  if (ctx.restorer) headers.set("accept-encoding", "identity");
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  announceRequest(ctx);
  const result = await sendWithRetries(
    sendDeps(deps),
    { url: target, method: req.method, headers, body: hasBody ? ctx.body : null },
    { name: upstream.name, baseUrl: upstream.baseUrl, host: hostOf(upstream.baseUrl) },
    req.signal,
  );
  ex.retries = result.retries;
  if (!result.ok) return ctx.fail(result.error);
  const { response, abort, release } = result.sent;
  return respond(ctx, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: response.body,
    abort,
    release,
    whole: () => response.arrayBuffer(),
  });
}
