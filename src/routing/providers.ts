// The [providers] and [[routes]] tables, resolved: which provider and model an Anthropic
// request's model goes to. Pure; presets fill format, base URL and quirks, the table's own
// fields override them.
import {
  fallbackModel,
  fallbackProvider,
  providerFormat,
  type RouteApi,
  routeApi,
} from "../config/tables.ts";
import type { Config } from "../config/types.ts";
import { type Preset, presets } from "../translate/presets.ts";

export interface Provider {
  name: string;
  format: "openai" | "anthropic";
  baseUrl: string;
  /** The provider's key pool (api_key_env); empty: no key is sent. */
  apiKeys: string[];
  preset: Preset;
  strict: boolean;
  dropParams: string[];
}

export interface RouteMatch {
  provider: Provider;
  /** Model name to send upstream. */
  model: string;
  /** The route's own max_tokens cap, if it has one (the provider's applies as well). */
  maxTokens?: number;
  /** The route's fallbacks, in order (each with its own model; none of its own). */
  fallback?: RouteMatch[];
}

export interface Router {
  /**
   * The first route of the client's API (Anthropic Messages unless said) whose glob matches the
   * model, or undefined (plain passthrough to the client's upstream).
   */
  match(model: string, api?: RouteApi): RouteMatch | undefined;
  /** Model names routes accept literally (no glob), for GET /v1/models. */
  listedModels(): string[];
  providers: Record<string, Provider>;
}

/** Glob with `*` (any run) and `?` (one character); linear-time, no regex. */
export function globMatch(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (g < glob.length && (glob[g] === "?" || glob[g] === text[t])) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === "*") {
      star = g++;
      mark = t;
    } else if (star !== -1) {
      g = star + 1;
      t = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === "*") g++;
  return g === glob.length;
}

export function resolveProviders(config: Config): Record<string, Provider> {
  const out: Record<string, Provider> = {};
  for (const [name, p] of Object.entries(config.providers)) {
    const base = p.preset ? presets[p.preset] : undefined;
    const format = providerFormat(p);
    const preset: Preset = {
      ...(base ?? { format, baseUrl: p.base_url ?? "" }),
      format,
      baseUrl: p.base_url ?? base?.baseUrl ?? "",
      ...(p.max_tokens !== undefined ? { maxTokensCap: p.max_tokens } : {}),
      ...(p.think_tags !== undefined ? { thinkTags: p.think_tags } : {}),
    };
    out[name] = {
      name,
      format,
      baseUrl: preset.baseUrl,
      apiKeys: p.apiKeys,
      preset,
      strict: p.strict ?? false,
      dropParams: p.drop_params ?? [],
    };
  }
  // `provider = "anthropic"` without a table means the configured Anthropic upstream.
  if (!out.anthropic) {
    const a = config.upstreams.anthropic;
    out.anthropic = {
      name: "anthropic",
      format: "anthropic",
      baseUrl: a.baseUrl,
      apiKeys: a.apiKeys,
      preset: { format: "anthropic", baseUrl: a.baseUrl },
      strict: false,
      dropParams: [],
    };
  }
  // `provider = "openai"` without a table: the configured OpenAI upstream, spoken to translated.
  if (!out.openai) {
    const o = config.upstreams.openai;
    const baseUrl = /\/v1$/.test(o.baseUrl) ? o.baseUrl : `${o.baseUrl}/v1`;
    out.openai = {
      name: "openai",
      format: "openai",
      baseUrl,
      apiKeys: o.apiKeys,
      preset: { ...presets.openai!, baseUrl },
      strict: false,
      dropParams: [],
    };
  }
  return out;
}

export function createRouter(config: Config): Router {
  const providers = resolveProviders(config);
  const routes = config.routes.filter((r) => providers[r.provider] !== undefined);
  return {
    providers,
    match(model, api = "anthropic") {
      for (const r of routes) {
        if (routeApi(r) !== api || !globMatch(r.match, model)) continue;
        // Without a model of its own, a fallback asks for what the client asked for.
        const fallback = (r.fallback ?? []).flatMap((entry) => {
          const provider = providers[fallbackProvider(entry)];
          return provider ? [{ provider, model: fallbackModel(entry) ?? model }] : [];
        });
        return {
          provider: providers[r.provider]!,
          model: r.model ?? model,
          ...(r.max_tokens !== undefined ? { maxTokens: r.max_tokens } : {}),
          ...(fallback.length > 0 ? { fallback } : {}),
        };
      }
      return undefined;
    },
    listedModels: () =>
      routes.filter((r) => routeApi(r) === "anthropic" && !/[*?]/.test(r.match)).map((r) => r.match),
  };
}

/** The lowest of the provider's and the route's max_tokens caps, if either has one. */
export function maxTokensCap(match: RouteMatch): number | undefined {
  const caps = [match.provider.preset.maxTokensCap, match.maxTokens].filter((c) => c !== undefined);
  return caps.length > 0 ? Math.min(...caps) : undefined;
}
