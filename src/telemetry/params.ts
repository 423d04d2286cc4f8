// Model parameters for a Langfuse generation, read from the forwarded request body of any API
// (Anthropic, OpenAI Chat and Responses, Gemini's generationConfig). Pure. Promises: only the
// named sampling and limit settings, never messages, tools or metadata; objects (thinking,
// reasoning, response_format) become short JSON text, as Langfuse wants flat values.

export type ParamValue = string | number | boolean | string[] | null;

const TOP_LEVEL = [
  "max_tokens",
  "max_completion_tokens",
  "max_output_tokens",
  "temperature",
  "top_p",
  "top_k",
  "n",
  "stop",
  "stop_sequences",
  "presence_penalty",
  "frequency_penalty",
  "seed",
  "reasoning_effort",
  "reasoning",
  "thinking",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "service_tier",
  "truncation",
  "logprobs",
  "top_logprobs",
] as const;

const MAX_TEXT = 200;

function flat(v: unknown): ParamValue | undefined {
  if (v === null) return null;
  if (typeof v === "string") return v.length > MAX_TEXT ? v.slice(0, MAX_TEXT) : v;
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.slice(0, 16) as string[];
  if (typeof v === "object") {
    const text = JSON.stringify(v);
    return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  }
  return undefined;
}

/** Parameters the client set, or undefined when the body is not a JSON object or sets none. */
export function modelParameters(
  input: unknown,
  stream: boolean | undefined,
): Record<string, ParamValue> | undefined {
  const out: Record<string, ParamValue> = {};
  if (typeof input === "object" && input !== null && !Array.isArray(input)) {
    const body = input as Record<string, unknown>;
    for (const key of TOP_LEVEL) {
      const v = flat(body[key]);
      if (v !== undefined) out[key] = v;
    }
    const gen = body.generationConfig;
    if (typeof gen === "object" && gen !== null && !Array.isArray(gen)) {
      for (const [key, raw] of Object.entries(gen)) {
        // The response schema can be large and is not a sampling setting.
        if (key === "responseSchema" || key === "responseJsonSchema") continue;
        const v = flat(raw);
        if (v !== undefined) out[key] = v;
      }
    }
  }
  if (stream !== undefined) out.stream = stream;
  return Object.keys(out).length > 0 ? out : undefined;
}
