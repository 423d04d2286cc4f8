// Provider presets: the wire format, base URL and quirks of each backend sluice knows by name.
// Promises: data only; a [providers.x] table starts from presets[preset] and overrides fields.
import type { ReasoningEffort } from "./openai-types.ts";
import type { ThinkTagMode } from "./think-tags.ts";

/** How a backend takes Anthropic's `thinking` / `output_config.effort`. */
export type ReasoningStyle =
  /** `reasoning_effort: "low" | ...` (OpenAI and most compatible servers). */
  | "effort"
  /** OpenRouter: `reasoning: {effort}` or `reasoning: {max_tokens}`, `{enabled: false}` to turn off. */
  | "openrouter"
  /** DeepSeek: `thinking: {type: "enabled" | "disabled"}` plus `reasoning_effort`. */
  | "deepseek"
  /** No control the backend accepts: an explicit budget or effort is dropped and listed. */
  | "none";

export interface Preset {
  /** Wire format upstream speaks. "anthropic" means passthrough: no translation at all. */
  format: "openai" | "anthropic";
  /**
   * For "openai": the API root; requests go to `${baseUrl}/chat/completions`.
   * For "anthropic": the origin; the client's path (/v1/messages...) is kept.
   */
  baseUrl: string;
  /** Field that carries the output limit: OpenAI wants max_completion_tokens, most others max_tokens. */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** Largest output limit the backend accepts; larger max_tokens are lowered to it. */
  maxTokensCap?: number;
  /** See ReasoningStyle. Default "none". */
  reasoning?: ReasoningStyle;
  /** reasoning_effort values accepted, weakest first; others move to the nearest accepted one. */
  efforts?: readonly ReasoningEffort[];
  /** Effort that turns reasoning off (`thinking: {type: "disabled"}`); absent: send nothing. */
  offEffort?: ReasoningEffort;
  /** Field on assistant messages that takes earlier reasoning back; absent: it is not sent. */
  reasoningEcho?: "reasoning_content" | "reasoning";
  /** Most stop sequences accepted (OpenAI: 4); extra ones are dropped and listed. */
  maxStopSequences?: number;
  /** Accepts top_k. */
  topK?: boolean;
  /** Accepts parallel_tool_calls (Anthropic's disable_parallel_tool_use). */
  parallelToolCalls?: boolean;
  /** false: never send stream_options.include_usage (usage in the last chunk); asked by default. */
  streamUsage?: boolean;
  /** Accepts response_format {type: "json_schema"} (Anthropic's output_config.format). */
  jsonSchema?: boolean;
  /** How a leading `<think>` section of the answer is read (see think-tags.ts). Default "auto". */
  thinkTags?: ThinkTagMode;
  /**
   * PDFs as Chat `file` parts: "data" takes base64 data URLs only (OpenAI), "data-or-url" plain
   * URLs too (OpenRouter). Absent: a document that is not text is left out, with a note saying so.
   */
  files?: "data" | "data-or-url";
}

const OPENAI_EFFORTS: readonly ReasoningEffort[] = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
  "max",
];
const LMH: readonly ReasoningEffort[] = ["low", "medium", "high"];

export const presets: Record<string, Preset> = {
  openai: {
    format: "openai",
    baseUrl: "https://api.openai.com/v1",
    maxTokensField: "max_completion_tokens",
    maxTokensCap: 128000,
    reasoning: "effort",
    efforts: OPENAI_EFFORTS,
    maxStopSequences: 4,
    parallelToolCalls: true,
    streamUsage: true,
    jsonSchema: true,
    files: "data",
  },
  openrouter: {
    format: "openai",
    baseUrl: "https://openrouter.ai/api/v1",
    reasoning: "openrouter",
    efforts: ["none", "minimal", "low", "medium", "high", "xhigh"],
    reasoningEcho: "reasoning",
    topK: true,
    parallelToolCalls: true,
    streamUsage: true,
    jsonSchema: true,
    files: "data-or-url",
  },
  groq: {
    format: "openai",
    baseUrl: "https://api.groq.com/openai/v1",
    maxTokensField: "max_completion_tokens",
    // Groq's largest per-model output limit; requests above it are refused outright.
    maxTokensCap: 65536,
    reasoning: "effort",
    efforts: LMH,
    maxStopSequences: 4,
    parallelToolCalls: true,
    streamUsage: true,
    jsonSchema: true,
  },
  together: {
    format: "openai",
    baseUrl: "https://api.together.xyz/v1",
    reasoning: "effort",
    efforts: LMH,
    topK: true,
    parallelToolCalls: true,
    streamUsage: true,
    jsonSchema: true,
  },
  deepseek: {
    format: "openai",
    baseUrl: "https://api.deepseek.com",
    reasoning: "deepseek",
    // DeepSeek maps minimal/medium/xhigh itself; these are the levels it documents.
    efforts: ["low", "high", "max"],
    // In thinking mode DeepSeek refuses a tool-call turn whose reasoning is not sent back.
    reasoningEcho: "reasoning_content",
    streamUsage: true,
  },
  fireworks: {
    format: "openai",
    baseUrl: "https://api.fireworks.ai/inference/v1",
    reasoning: "effort",
    efforts: LMH,
    topK: true,
    parallelToolCalls: true,
    streamUsage: true,
    jsonSchema: true,
  },
  xai: {
    format: "openai",
    baseUrl: "https://api.x.ai/v1",
    // Grok 4 refuses reasoning_effort (only grok-3-mini took it), so thinking is not sent.
    reasoning: "none",
    parallelToolCalls: true,
    streamUsage: true,
    jsonSchema: true,
  },
  ollama: {
    format: "openai",
    baseUrl: "http://127.0.0.1:11434/v1",
    reasoning: "effort",
    efforts: LMH,
    // Ollama turns thinking off only when told reasoning_effort "none".
    offEffort: "none",
    streamUsage: true,
    jsonSchema: true,
  },
  lmstudio: {
    format: "openai",
    baseUrl: "http://127.0.0.1:1234/v1",
    reasoning: "effort",
    efforts: LMH,
    topK: true,
    streamUsage: true,
    jsonSchema: true,
  },
  vllm: {
    format: "openai",
    baseUrl: "http://127.0.0.1:8000/v1",
    reasoning: "effort",
    efforts: LMH,
    topK: true,
    parallelToolCalls: true,
    streamUsage: true,
    jsonSchema: true,
  },
  anthropic: {
    format: "anthropic",
    baseUrl: "https://api.anthropic.com",
  },
};

/** The Chat Completions endpoint of an "openai"-format base URL. */
export function chatCompletionsUrl(baseUrl: string): string {
  let end = baseUrl.length;
  while (end > 0 && baseUrl[end - 1] === "/") end--;
  return `${baseUrl.slice(0, end)}/chat/completions`;
}
