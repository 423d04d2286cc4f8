// Owns the fake OpenAI Embeddings API (POST /v1/embeddings). Promises: a unit-length vector per
// input derived only from the input text (same text, same vector), as float arrays or as
// base64 little-endian float32 — the encoding the openai SDK asks for by default.

import { fail, type HandlerContext, json, type MockResult } from "./handler.ts";
import { hash32, tokensOf } from "./text.ts";
import { isRecord } from "./tools.ts";

const DEFAULT_DIMENSIONS = 1536;
const MAX_DIMENSIONS = 4096;

export function embeddings(ctx: HandlerContext): MockResult {
  const body = ctx.body;
  if (!isRecord(body)) return fail("openai", 400, "We could not parse the JSON body of your request.", ctx);
  if (typeof body.model !== "string" || body.model === "") {
    return fail("openai", 400, "you must provide a model parameter", ctx);
  }
  const inputs = inputsOf(body.input);
  if (inputs === undefined) return fail("openai", 400, "'input' must be a string or an array", ctx);
  const dims = body.dimensions;
  const dimensions =
    typeof dims === "number" && Number.isInteger(dims) && dims > 0 && dims <= MAX_DIMENSIONS
      ? dims
      : DEFAULT_DIMENSIONS;
  const base64 = body.encoding_format === "base64";
  const data = inputs.map((text, index) => {
    const vector = embed(text, dimensions);
    const embedding = base64 ? Buffer.from(vector.buffer).toString("base64") : Array.from(vector);
    return { object: "embedding", index, embedding };
  });
  const promptTokens = inputs.reduce((sum, text) => sum + tokensOf(text), 0);
  return json({
    object: "list",
    data,
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

/** Strings as they are; token arrays become their numbers joined, so they embed stably too. */
function inputsOf(input: unknown): string[] | undefined {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((n) => typeof n === "number")) return [input.join(",")];
  const out: string[] = [];
  for (const item of input) {
    if (typeof item === "string") out.push(item);
    else if (Array.isArray(item)) out.push(item.join(","));
    else return undefined;
  }
  return out;
}

/** A deterministic unit vector seeded by the text (mulberry32 generator). */
export function embed(text: string, dimensions: number): Float32Array {
  let seed = hash32(text);
  const out = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
    out[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dimensions; i++) out[i] = (out[i] ?? 0) * scale;
  return out;
}
