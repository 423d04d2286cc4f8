// GET /v1/models for Anthropic clients: Anthropic's own list plus the model names the
// [[routes]] table accepts literally, so Claude Code's model picker can offer them. When
// Anthropic cannot be asked (no key, offline) the routed names alone are listed.
import { type RequestContext, sendDeps } from "../proxy/context.ts";
import { upstreamRequestHeaders } from "../proxy/headers.ts";
import { respondJson } from "../proxy/respond.ts";
import { dropQueryKey, upstreamUrl } from "../proxy/route.ts";
import { sendWithRetries } from "../proxy/send.ts";
import type { Router } from "./providers.ts";

interface ModelEntry {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

export async function listModels(ctx: RequestContext, router: Router): Promise<Response> {
  const { deps, req } = ctx;
  const upstream = deps.config.upstreams.anthropic;
  // A listing is one quick call: the pool's next usable key, no moving on.
  const pick = deps.keys.pick(upstream.name, upstream.apiKeys, new Set());
  const headers = upstreamRequestHeaders(req.headers, {
    upstream: { api: upstream.api, apiKey: pick.kind === "key" ? pick.key : (upstream.apiKeys[0] ?? "") },
    stripClientKeys: deps.gate.enabled && ctx.ownCredentials !== true,
    via: deps.via,
  });
  const result = await sendWithRetries(
    sendDeps(deps, { retryMax: 0, readTimeoutMs: Math.min(deps.config.readTimeoutMs, 10_000) }),
    {
      url: upstreamUrl(upstream.baseUrl, ctx.path + dropQueryKey(ctx.query)),
      method: "GET",
      headers,
      body: null,
    },
    { name: upstream.name, baseUrl: upstream.baseUrl, host: new URL(upstream.baseUrl).host },
    req.signal,
  );
  let data: ModelEntry[] = [];
  if (result.ok) {
    const res = result.sent.response;
    const json = res.ok
      ? ((await res.json().catch(() => undefined)) as { data?: ModelEntry[] } | undefined)
      : undefined;
    if (!res.ok) await res.body?.cancel().catch(() => {});
    result.sent.release();
    if (Array.isArray(json?.data)) data = json.data;
  }
  const known = new Set(data.map((m) => m.id));
  for (const id of router.listedModels()) {
    if (known.has(id)) continue;
    const provider = router.match(id)?.provider.name ?? "route";
    data.push({
      type: "model",
      id,
      display_name: `${id} (via ${provider})`,
      created_at: "2025-01-01T00:00:00Z",
    });
  }
  return respondJson(ctx, 200, {
    data,
    has_more: false,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  });
}
