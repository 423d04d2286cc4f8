// The GenAI semantic conventions' vocabulary for sluice's traffic: which operation a call is
// (gen_ai.operation.name), which provider answers it (gen_ai.provider.name, the conventions'
// well-known values where the host is known), where it went (server.address / server.port),
// the sampling settings a request sets, and a low-cardinality error.type. Pure.
import type { Api } from "../errors.ts";
import type { Exchange } from "../proxy/exchange.ts";

/** gen_ai.operation.name of an inference call, or undefined for bookkeeping (count_tokens, lists). */
export function operationOf(api: Api, method: string, path: string): string | undefined {
  if (method !== "POST") return undefined;
  if (api === "anthropic") {
    if (path.endsWith("/v1/messages")) return "chat";
    return path.endsWith("/v1/complete") ? "text_completion" : undefined;
  }
  if (api === "openai") {
    if (path.endsWith("/chat/completions") || path.endsWith("/responses")) return "chat";
    if (path.endsWith("/completions")) return "text_completion";
    return path.endsWith("/embeddings") ? "embeddings" : undefined;
  }
  if (/:(stream)?generateContent$/i.test(path)) return "generate_content";
  return /:(batchEmbedContents|embedContent)$/.test(path) ? "embeddings" : undefined;
}

/** openai.api.type, which the OpenAI conventions add to tell the two chat APIs apart. */
export function openAiApiType(path: string): string | undefined {
  if (path.endsWith("/chat/completions")) return "chat_completions";
  return path.endsWith("/responses") ? "responses" : undefined;
}

/** Hosts whose provider the conventions name (gen_ai.provider.name well-known values). */
const KNOWN_HOSTS: [RegExp, string][] = [
  [/(^|\.)api\.anthropic\.com$/, "anthropic"],
  [/(^|\.)api\.openai\.com$/, "openai"],
  [/\.openai\.azure\.com$/, "azure.ai.openai"],
  [/\.services\.ai\.azure\.com$/, "azure.ai.inference"],
  [/(^|\.)generativelanguage\.googleapis\.com$/, "gcp.gemini"],
  [/(^|\.)aiplatform\.googleapis\.com$/, "gcp.vertex_ai"],
  [/^bedrock-runtime\..*\.amazonaws\.com$/, "aws.bedrock"],
  [/(^|\.)api\.deepseek\.com$/, "deepseek"],
  [/(^|\.)api\.groq\.com$/, "groq"],
  [/(^|\.)api\.x\.ai$/, "x_ai"],
  [/(^|\.)api\.mistral\.ai$/, "mistral_ai"],
  [/(^|\.)api\.perplexity\.ai$/, "perplexity"],
  [/(^|\.)api\.cohere\.(com|ai)$/, "cohere"],
  [/(^|\.)api\.moonshot\.(ai|cn)$/, "moonshot_ai"],
];

/** Presets whose names differ from the conventions' values. */
const PRESET_NAMES: Record<string, string> = { xai: "x_ai", anthropic: "anthropic", openai: "openai" };

/**
 * gen_ai.provider.name: the well-known value for a known host; else the routed provider's
 * preset (ollama, openrouter, vllm ...); else the wire format sluice speaks to it, which is
 * the telemetry "flavour" the conventions say the attribute discriminates.
 */
export function providerName(api: Api, host: string, preset?: string): string {
  const key = `${api} ${host} ${preset ?? ""}`;
  let name = providers.get(key);
  if (name === undefined) {
    const h = host.toLowerCase();
    name = KNOWN_HOSTS.find(([re]) => re.test(h))?.[1];
    name ??= preset ? (PRESET_NAMES[preset] ?? preset) : api === "gemini" ? "gcp.gemini" : api;
    if (providers.size < 256) providers.set(key, name);
  }
  return name;
}

/** Memoised: a handful of upstreams per process, asked once per call. */
const providers = new Map<string, string>();

export interface Server {
  address: string;
  port: number;
}

const servers = new Map<string, Server | undefined>();

/** server.address and server.port of a base URL (memoised: a handful of URLs per process). */
export function serverOf(baseUrl: string): Server | undefined {
  if (servers.has(baseUrl)) return servers.get(baseUrl);
  let server: Server | undefined;
  try {
    const u = new URL(baseUrl);
    const port = u.port === "" ? (u.protocol === "https:" ? 443 : 80) : Number(u.port);
    server = { address: u.hostname.replace(/^\[|\]$/g, ""), port };
  } catch {
    server = undefined;
  }
  if (servers.size < 256) servers.set(baseUrl, server);
  return server;
}

/** The sampling settings a request set, named as the conventions' gen_ai.request.* attributes. */
export interface RequestParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  choiceCount?: number;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function stops(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === "string")) return v.slice(0, 16) as string[];
  return undefined;
}

/** Reads the settings from a parsed request body of any API (Gemini's generationConfig too). */
export function requestParams(body: unknown): RequestParams | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const g = (
    typeof b.generationConfig === "object" && b.generationConfig !== null ? b.generationConfig : {}
  ) as Record<string, unknown>;
  const p: RequestParams = {};
  const set = <K extends keyof RequestParams>(k: K, v: RequestParams[K] | undefined) => {
    if (v !== undefined) p[k] = v;
  };
  set(
    "maxTokens",
    num(b.max_tokens) ?? num(b.max_completion_tokens) ?? num(b.max_output_tokens) ?? num(g.maxOutputTokens),
  );
  set("temperature", num(b.temperature) ?? num(g.temperature));
  set("topP", num(b.top_p) ?? num(g.topP));
  set("topK", num(b.top_k) ?? num(g.topK));
  set("stopSequences", stops(b.stop_sequences) ?? stops(b.stop) ?? stops(g.stopSequences));
  set("frequencyPenalty", num(b.frequency_penalty) ?? num(g.frequencyPenalty));
  set("presencePenalty", num(b.presence_penalty) ?? num(g.presencePenalty));
  set("seed", num(b.seed) ?? num(g.seed));
  set("choiceCount", num(b.n) ?? num(g.candidateCount));
  return Object.keys(p).length > 0 ? p : undefined;
}

const KIND = /^[A-Za-z0-9_.-]{1,64}(?=: |$)/;

/**
 * error.type: sluice's own error kind (upstream_timeout, upstream_unreachable ...), else the
 * upstream's HTTP status, else the type of an error inside the answer, else how a stream ended
 * early. Undefined for a call that succeeded.
 */
export function errorType(ex: Exchange): string | undefined {
  if (ex.errorKind) return ex.errorKind;
  if (ex.status >= 400) return String(ex.status);
  if (ex.upstreamError !== undefined) return KIND.exec(ex.upstreamError)?.[0] ?? "upstream_error";
  if (ex.outcome === "incomplete" || ex.outcome === "client_closed") return ex.outcome;
  return ex.outcome === "error" ? "error" : undefined;
}
