// The pass leg: the prepared request goes to one target as it is (path, query and headers
// kept, keys handled by headers.ts) and the answer is relayed untouched. For a routed provider
// of the client's own format (an Anthropic request to an Anthropic-format provider, a Chat
// Completions request to an OpenAI-format one) only the model name and a max_tokens cap change.
import { setFields } from "../json/edit.ts";
import { forAnthropicProvider } from "../routing/anthropic.ts";
import { forChatProvider } from "../routing/chat.ts";
import type { Target } from "../routing/plan.ts";
import type { RequestContext } from "./context.ts";
import { upstreamRequestHeaders } from "./headers.ts";
import type { PreparedLeg } from "./leg.ts";
import { respond } from "./respond.ts";
import { dropQueryKey, upstreamUrl } from "./route.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const hostCache = new Map<string, string>();
export const hostOf = (baseUrl: string) => {
  let host = hostCache.get(baseUrl);
  if (host === undefined) {
    host = new URL(baseUrl).host;
    hostCache.set(baseUrl, host);
  }
  return host;
};

export function passLeg(ctx: RequestContext, target: Target): PreparedLeg {
  const { req, deps } = ctx;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  let body = ctx.body;
  if (target.match && hasBody) {
    const json = ctx.json() as Record<string, unknown>;
    const fields =
      ctx.route.api === "openai"
        ? forChatProvider(json, target.match)
        : forAnthropicProvider(json, target.match);
    // Only those fields are rewritten: every other byte (numbers too) goes as the client sent it.
    const text = fields.length > 0 ? setFields(decoder.decode(ctx.body), fields) : undefined;
    if (text !== undefined) body = encoder.encode(text);
  }
  return {
    body,
    host: hostOf(target.baseUrl),
    request(key) {
      // The internal key is never forwarded; with x-sluice-key the client's own credentials may be.
      // A foreign target (the plan says so) never gets the client's own key either.
      const stripClient = (deps.gate.enabled && ctx.ownCredentials !== true) || target.foreign === true;
      const stripKeys = stripClient || key !== undefined;
      const headers = upstreamRequestHeaders(req.headers, {
        upstream: { api: target.api, apiKey: key ?? "" },
        stripClientKeys: stripClient,
        via: deps.via,
        anthropicVersion: deps.config.anthropicVersion,
        ...(ctx.contentEncoding !== undefined ? { contentEncoding: ctx.contentEncoding } : {}),
        ...(ctx.ex.upstreamTraceparent ? { traceparent: ctx.ex.upstreamTraceparent } : {}),
      });
      // Restoring pseudonyms needs the answer's plain bytes.
      if (ctx.restorer) headers.set("accept-encoding", "identity");
      return {
        url: upstreamUrl(target.baseUrl, ctx.path + (stripKeys ? dropQueryKey(ctx.query) : ctx.query)),
        method: req.method,
        headers,
        body: hasBody ? body : null,
      };
    },
    answer({ response, abort, release }) {
      return respond(ctx, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body: response.body,
        abort,
        release,
        whole: () => response.arrayBuffer(),
      });
    },
  };
}
