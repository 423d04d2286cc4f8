// Readers that fold one provider JSON object (a whole response, or one streamed event) into a
// usage accumulator. Pure and defensive: unknown shapes are ignored, never thrown on, and only
// counts, model ids, stop reasons and error summaries are read — never prompt or reply text.

export interface Usage {
  /** Uncached input tokens, billed at the base input rate. */
  inputTokens: number;
  /** Generated tokens, reasoning included (that is how every provider bills them). */
  outputTokens: number;
  /** Input tokens written to a prompt cache (Anthropic `cache_creation_input_tokens`). */
  cacheWriteTokens: number;
  /**
   * The part of `cacheWriteTokens` written with the 1-hour TTL (Anthropic
   * `cache_creation.ephemeral_1h_input_tokens`), priced higher than 5-minute writes; absent
   * when the API did not break the writes down.
   */
  cacheWrite1hTokens?: number;
  /** Input tokens served from a prompt cache. */
  cacheReadTokens: number;
  /** The part of `outputTokens` spent on reasoning, when the API reports it; not extra. */
  reasoningTokens: number;
  /** Output tokens were counted by sluice (a tokenizer), the backend having reported none. */
  estimated?: boolean;
}

/** What one request's response told us. Every field is absent when the response did not say. */
export interface UsageResult {
  model?: string;
  usage?: Usage;
  /** Provider's own words: `end_turn`, `stop`, `length`, `STOP`, `MAX_TOKENS`, `incomplete:max_output_tokens` ... */
  stopReason?: string;
  /** `type: message` summary of an error payload, at most 300 characters. */
  error?: string;
  /** The answer's own id (msg_..., chatcmpl-..., resp_..., Gemini's responseId). */
  responseId?: string;
}

/** Ids are short; anything longer is not one (and must not bloat logs or spans). */
const id = (v: unknown): string | undefined => (typeof v === "string" && v.length <= 256 ? v : undefined);

type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 ? v : undefined;
}

/** A token count: finite, non-negative, whole; anything else reads as absent. */
function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, reasoningTokens: 0 };
}

const MAX_ERROR_CHARS = 300;

/** Summarises `{type|status|code, message}` as "type: message". */
export function describeError(e: unknown): string {
  const o = obj(e);
  if (!o) return (str(e) ?? "error").slice(0, MAX_ERROR_CHARS);
  const kind = str(o.type) ?? str(o.status) ?? (o.code === undefined ? undefined : String(o.code));
  const message = str(o.message);
  const text = kind && message ? `${kind}: ${message}` : (kind ?? message ?? "error");
  return text.slice(0, MAX_ERROR_CHARS);
}

// --- Anthropic Messages -------------------------------------------------------------------------

/** Reads a Message object: a non-stream reply, or `message_start.message`. */
export function readAnthropicMessage(acc: UsageResult, msg: Json): void {
  if (msg.type === "error") {
    acc.error = describeError(msg.error);
    return;
  }
  const model = str(msg.model);
  if (model) acc.model = model;
  acc.responseId = id(msg.id) ?? acc.responseId;
  const stop = str(msg.stop_reason);
  if (stop) acc.stopReason = stop;
  const u = obj(msg.usage);
  if (u) mergeAnthropicUsage(acc, u);
}

/** Streamed events; `message_delta` usage is cumulative, so present fields replace earlier ones. */
export function readAnthropicEvent(acc: UsageResult, data: Json): void {
  switch (data.type) {
    case "message_start": {
      const msg = obj(data.message);
      if (msg) readAnthropicMessage(acc, msg);
      return;
    }
    case "message_delta": {
      const stop = str(obj(data.delta)?.stop_reason);
      if (stop) acc.stopReason = stop;
      const u = obj(data.usage);
      if (u) mergeAnthropicUsage(acc, u);
      return;
    }
    case "error":
      acc.error = describeError(data.error);
      return;
    default:
      return;
  }
}

function mergeAnthropicUsage(acc: UsageResult, u: Json): void {
  const usage = acc.usage ?? emptyUsage();
  usage.inputTokens = count(u.input_tokens) ?? usage.inputTokens;
  usage.outputTokens = count(u.output_tokens) ?? usage.outputTokens;
  usage.cacheWriteTokens = count(u.cache_creation_input_tokens) ?? usage.cacheWriteTokens;
  usage.cacheReadTokens = count(u.cache_read_input_tokens) ?? usage.cacheReadTokens;
  const oneHour = count(obj(u.cache_creation)?.ephemeral_1h_input_tokens);
  if (oneHour !== undefined) usage.cacheWrite1hTokens = Math.min(oneHour, usage.cacheWriteTokens);
  acc.usage = usage;
}

// --- OpenAI Chat Completions and Responses ------------------------------------------------------

/** A chat completion, a streamed chunk, a Responses object or a Responses stream event. */
export function readOpenAi(acc: UsageResult, data: Json): void {
  if (data.error !== undefined && data.error !== null && data.object !== "response") {
    acc.error = describeError(data.error);
    return;
  }
  const type = str(data.type);
  if (type === "error") {
    acc.error = describeError({ type: data.code ?? "error", message: data.message });
    return;
  }
  if (type?.startsWith("response.")) {
    const response = obj(data.response);
    if (response) readOpenAiResponse(acc, response);
    return;
  }
  if (data.object === "response") {
    readOpenAiResponse(acc, data);
    return;
  }
  const model = str(data.model);
  if (model) acc.model = model;
  acc.responseId ??= id(data.id);
  if (Array.isArray(data.choices)) {
    for (const choice of data.choices) {
      const stop = str(obj(choice)?.finish_reason);
      if (stop) acc.stopReason = stop;
    }
  }
  const u = obj(data.usage);
  if (u) acc.usage = openAiUsage(u);
}

function readOpenAiResponse(acc: UsageResult, r: Json): void {
  const model = str(r.model);
  if (model) acc.model = model;
  acc.responseId = id(r.id) ?? acc.responseId;
  const status = str(r.status);
  const reason = str(obj(r.incomplete_details)?.reason);
  if (status === "incomplete") acc.stopReason = reason ? `incomplete:${reason}` : "incomplete";
  else if (status === "completed" || status === "failed" || status === "cancelled") acc.stopReason = status;
  if (r.error !== undefined && r.error !== null) acc.error = describeError(r.error);
  const u = obj(r.usage);
  if (u) acc.usage = openAiUsage(u);
}

/** `prompt_tokens` / `input_tokens` include cached tokens; Usage keeps them apart. */
function openAiUsage(u: Json): Usage {
  const chat = u.prompt_tokens !== undefined || u.completion_tokens !== undefined;
  const prompt = count(chat ? u.prompt_tokens : u.input_tokens) ?? 0;
  const inDetails = obj(chat ? u.prompt_tokens_details : u.input_tokens_details);
  const outDetails = obj(chat ? u.completion_tokens_details : u.output_tokens_details);
  // DeepSeek reports its cache hits as prompt_cache_hit_tokens instead.
  const cached = Math.min(prompt, count(inDetails?.cached_tokens) ?? count(u.prompt_cache_hit_tokens) ?? 0);
  return {
    inputTokens: prompt - cached,
    outputTokens: count(chat ? u.completion_tokens : u.output_tokens) ?? 0,
    cacheWriteTokens: 0,
    cacheReadTokens: cached,
    reasoningTokens: count(outDetails?.reasoning_tokens) ?? 0,
  };
}

// --- Gemini generateContent ---------------------------------------------------------------------

/** One GenerateContentResponse (a reply, or one streamed chunk); the last usageMetadata wins. */
export function readGemini(acc: UsageResult, data: Json): void {
  if (data.error !== undefined && data.error !== null) {
    acc.error = describeError(data.error);
    return;
  }
  const model = str(data.modelVersion);
  if (model) acc.model = model;
  acc.responseId ??= id(data.responseId);
  if (Array.isArray(data.candidates)) {
    for (const c of data.candidates) {
      const stop = str(obj(c)?.finishReason);
      if (stop) acc.stopReason = stop;
    }
  }
  const blocked = str(obj(data.promptFeedback)?.blockReason);
  if (blocked) acc.stopReason = blocked;
  const u = obj(data.usageMetadata);
  if (u) {
    // promptTokenCount includes the cached part; thoughts are billed as output but counted apart.
    const prompt = count(u.promptTokenCount) ?? 0;
    const cached = Math.min(prompt, count(u.cachedContentTokenCount) ?? 0);
    const thoughts = count(u.thoughtsTokenCount) ?? 0;
    acc.usage = {
      inputTokens: prompt - cached + (count(u.toolUsePromptTokenCount) ?? 0),
      outputTokens: (count(u.candidatesTokenCount) ?? 0) + thoughts,
      cacheWriteTokens: 0,
      cacheReadTokens: cached,
      reasoningTokens: thoughts,
    };
  }
}
