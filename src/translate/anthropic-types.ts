// The Anthropic Messages request as sluice reads it: one valibot schema used for every
// /v1/messages (passthrough too) and a second one for /v1/messages/count_tokens.
// Promises: objects are loose (unknown fields, roles and block types pass untouched); the
// validators never change the body and list every problem with its path.
import * as v from "valibot";

/** An object whose other fields are kept as they came. */
export interface Loose {
  [key: string]: unknown;
}

const blockType = (input: unknown): string | undefined => {
  if (typeof input !== "object" || input === null) return undefined;
  const t = (input as Loose).type;
  return typeof t === "string" ? t : undefined;
};

/** A string, or else an array of `item` (so that issues inside the array keep their paths). */
const stringOr = <T extends v.GenericSchema>(item: T) =>
  v.lazy((input: unknown) => (typeof input === "string" ? v.string() : v.array(item)));

const UnknownBlock = v.looseObject({ type: v.string() });
const Source = v.looseObject({ type: v.string() });
const TextBlock = v.looseObject({ type: v.literal("text"), text: v.string() });
const ImageBlock = v.looseObject({ type: v.literal("image"), source: Source });
const DocumentBlock = v.looseObject({ type: v.literal("document"), source: Source });

/** Blocks allowed inside a tool_result's content (text, image, document or anything newer). */
const ResultPart = v.lazy((input: unknown) => {
  const t = blockType(input);
  if (t === "text") return TextBlock;
  if (t === "image") return ImageBlock;
  if (t === "document") return DocumentBlock;
  return UnknownBlock;
});

const ToolUseBlock = v.looseObject({
  type: v.literal("tool_use"),
  id: v.string(),
  name: v.string(),
  input: v.unknown(),
});
const ToolResultBlock = v.looseObject({
  type: v.literal("tool_result"),
  tool_use_id: v.string(),
  content: v.optional(stringOr(ResultPart)),
  is_error: v.optional(v.boolean()),
});
const ThinkingBlock = v.looseObject({
  type: v.literal("thinking"),
  thinking: v.string(),
  signature: v.optional(v.string()),
});
const RedactedThinkingBlock = v.looseObject({ type: v.literal("redacted_thinking"), data: v.string() });

const KNOWN_BLOCKS = {
  text: TextBlock,
  image: ImageBlock,
  document: DocumentBlock,
  tool_use: ToolUseBlock,
  tool_result: ToolResultBlock,
  thinking: ThinkingBlock,
  redacted_thinking: RedactedThinkingBlock,
} as const;

/** A content block: known types are checked field by field, others only need a string `type`. */
const Block = v.lazy((input: unknown) => {
  const t = blockType(input);
  return t !== undefined && t in KNOWN_BLOCKS ? KNOWN_BLOCKS[t as keyof typeof KNOWN_BLOCKS] : UnknownBlock;
});

const Content = stringOr(Block);
const Message = v.looseObject({ role: v.string(), content: Content });
const Tool = v.looseObject({
  type: v.optional(v.nullable(v.string())),
  name: v.optional(v.string()),
  description: v.optional(v.string()),
  input_schema: v.optional(v.looseObject({})),
});
const ToolChoice = v.looseObject({
  type: v.string(),
  name: v.optional(v.string()),
  disable_parallel_tool_use: v.optional(v.boolean()),
});
const Thinking = v.looseObject({
  type: v.string(),
  budget_tokens: v.optional(v.pipe(v.number(), v.integer())),
});
const OutputConfig = v.looseObject({
  effort: v.optional(v.nullable(v.string())),
  format: v.optional(v.nullable(v.looseObject({ type: v.string() }))),
});

const commonFields = {
  model: v.pipe(v.string(), v.nonEmpty("must not be empty")),
  messages: v.array(Message),
  system: v.optional(Content),
  tools: v.optional(v.array(Tool)),
  tool_choice: v.optional(ToolChoice),
  thinking: v.optional(Thinking),
  metadata: v.optional(v.looseObject({ user_id: v.optional(v.nullable(v.string())) })),
  output_config: v.optional(OutputConfig),
  stop_sequences: v.optional(v.array(v.string())),
  temperature: v.optional(v.number()),
  top_p: v.optional(v.number()),
  top_k: v.optional(v.pipe(v.number(), v.integer())),
  stream: v.optional(v.boolean()),
};

// max_tokens 0 is valid upstream (it pre-warms the prompt cache), so only negatives fail.
export const MessagesRequestSchema = v.looseObject({
  ...commonFields,
  max_tokens: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export const CountTokensRequestSchema = v.looseObject(commonFields);

export type MessagesRequest = v.InferOutput<typeof MessagesRequestSchema>;
export type CountTokensRequest = v.InferOutput<typeof CountTokensRequestSchema>;
export type RequestMessage = v.InferOutput<typeof Message>;
export type ContentBlockParam = v.InferOutput<typeof Block>;
export type ToolResultPart = v.InferOutput<typeof ResultPart>;
export type ToolParam = v.InferOutput<typeof Tool>;
export type TextBlockParam = v.InferOutput<typeof TextBlock>;
export type ImageBlockParam = v.InferOutput<typeof ImageBlock>;
export type DocumentBlockParam = v.InferOutput<typeof DocumentBlock>;
export type ToolUseBlockParam = v.InferOutput<typeof ToolUseBlock>;
export type ToolResultBlockParam = v.InferOutput<typeof ToolResultBlock>;
export type ThinkingBlockParam = v.InferOutput<typeof ThinkingBlock>;
export type RedactedThinkingBlockParam = v.InferOutput<typeof RedactedThinkingBlock>;
export type KnownBlockParam =
  | TextBlockParam
  | ImageBlockParam
  | DocumentBlockParam
  | ToolUseBlockParam
  | ToolResultBlockParam
  | ThinkingBlockParam
  | RedactedThinkingBlockParam;

/**
 * The block as one of the known types, or undefined for a type sluice does not know.
 * Sound only for validated blocks: the schema already checked the fields of known types.
 */
export function knownBlock(block: { type: string }): KnownBlockParam | undefined {
  return block.type in KNOWN_BLOCKS ? (block as KnownBlockParam) : undefined;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** What kind of value was sent, never the value itself (it may hold a secret). */
function kindOf(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  return typeof input === "object" ? "an object" : `a ${typeof input}`;
}

function describe(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue) ?? "body";
  if (issue.kind === "schema" && issue.received === "undefined") return `${path}: field required`;
  if (issue.kind === "schema")
    return `${path}: expected ${issue.expected ?? "another type"}, got ${kindOf(issue.input)}`;
  // valibot appends "but received <value>"; errors and logs must not echo request content.
  return `${path}: ${issue.message.replace(/:? *but received .*$/s, "")}`;
}

function validate<T>(schema: v.GenericSchema<unknown, T>, body: unknown): Validation<T> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, issues: ["body: must be a JSON object"] };
  }
  const result = v.safeParse(schema, body, { abortEarly: false });
  if (!result.success) return { ok: false, issues: result.issues.map(describe) };
  // Loose schemas with no transforms: the input already is the output, kept as sent.
  return { ok: true, value: body as T };
}

/** Checks a POST /v1/messages body. */
export function validateMessagesRequest(body: unknown): Validation<MessagesRequest> {
  return validate(MessagesRequestSchema, body);
}

/** Checks a POST /v1/messages/count_tokens body (same shape, no max_tokens). */
export function validateCountTokensRequest(body: unknown): Validation<CountTokensRequest> {
  return validate(CountTokensRequestSchema, body);
}

// ---- What sluice sends back: the Messages response, its stream events and errors. ----

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";

export interface TextBlock {
  type: "text";
  text: string;
}
/** `signature` is "" for reasoning that came from a non-Anthropic backend. */
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}
export type ResponseBlock = TextBlock | ThinkingBlock | ToolUseBlock;

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface MessagesResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ResponseBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
}

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "timeout_error"
  | "api_error"
  | "overloaded_error";

/** Anthropic's error body; the same object is the `error` stream event. */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: ErrorType; message: string };
}

export type BlockDelta =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string }
  | { type: "input_json_delta"; partial_json: string };

export type MessagesStreamEvent =
  | { type: "message_start"; message: MessagesResponse }
  | { type: "ping" }
  | { type: "content_block_start"; index: number; content_block: ResponseBlock }
  | { type: "content_block_delta"; index: number; delta: BlockDelta }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: { stop_reason: StopReason | null; stop_sequence: string | null };
      usage: Usage;
    }
  | { type: "message_stop" }
  | AnthropicErrorBody;
