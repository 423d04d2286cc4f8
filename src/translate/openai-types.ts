// OpenAI Chat Completions shapes as sluice uses them: the request it builds (exact), and the
// response, stream chunk and error it reads (lenient: every field may be missing, because
// OpenAI-compatible servers differ). No runtime code.

export interface ChatTextPart {
  type: "text";
  text: string;
}
export interface ChatImagePart {
  type: "image_url";
  image_url: { url: string };
}
/** A PDF, as OpenAI (base64 data URL) and OpenRouter (data URL or a plain URL) take it. */
export interface ChatFilePart {
  type: "file";
  file: { filename: string; file_data: string };
}
export type ChatUserPart = ChatTextPart | ChatImagePart | ChatFilePart;

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | ChatUserPart[] }
  | {
      role: "assistant";
      content: string | null;
      tool_calls?: ChatToolCall[];
      /** Prior reasoning sent back to backends that want it (DeepSeek, OpenRouter). */
      reasoning_content?: string;
      reasoning?: string;
    }
  | { role: "tool"; tool_call_id: string; content: string };

export interface ChatFunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type ChatToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop?: string[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  tools?: ChatFunctionTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: ReasoningEffort;
  /** OpenRouter's reasoning control. */
  reasoning?: { effort?: ReasoningEffort; max_tokens?: number; enabled?: boolean };
  /** DeepSeek's thinking switch. */
  thinking?: { type: "enabled" | "disabled" };
  response_format?: { type: "json_schema"; json_schema: { name: string; schema: unknown; strict?: boolean } };
  user?: string;
  [extra: string]: unknown;
}

// ---- Read side: everything optional. ----

export interface ChatUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** Some compatible servers name prompt and completion tokens the Responses / Anthropic way. */
  input_tokens?: number | null;
  output_tokens?: number | null;
  /** DeepSeek reports its cache this way. */
  prompt_cache_hit_tokens?: number | null;
  prompt_cache_miss_tokens?: number | null;
}

export interface ChatToolCallIn {
  index?: number;
  id?: string | null;
  type?: string;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** A message or a stream delta: reasoning arrives as `reasoning_content` or `reasoning`. */
export interface ChatMessageIn {
  role?: string;
  content?: string | Array<{ type?: string; text?: string }> | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: ChatToolCallIn[] | null;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call" | string;

export interface ChatErrorIn {
  message?: string;
  type?: string;
  code?: string | number | null;
  param?: string | null;
}

export interface ChatResponse {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    message?: ChatMessageIn | null;
    finish_reason?: FinishReason | null;
    /** vLLM: the stop string that ended generation. */
    stop_reason?: string | number | null;
  }> | null;
  usage?: ChatUsage | null;
  error?: ChatErrorIn | null;
}

export interface ChatChunk {
  id?: string;
  model?: string;
  choices?: Array<{
    index?: number;
    delta?: ChatMessageIn | null;
    finish_reason?: FinishReason | null;
    stop_reason?: string | number | null;
  }> | null;
  usage?: ChatUsage | null;
  /** Some servers (OpenRouter, vLLM) report a failure inside a 200 stream. */
  error?: ChatErrorIn | null;
}
