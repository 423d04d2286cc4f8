// The Anthropic SDK under Node, as a user runs it, for the resilience story: one answer and one
// stream, each with the response headers that say who answered (x-sluice-fallback).
// Trust comes from NODE_EXTRA_CA_CERTS, the base URL from ANTHROPIC_BASE_URL.
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ maxRetries: 0 });
const params = {
  model: process.env.SLUICE_TEST_MODEL ?? "claude-sonnet-4-5",
  max_tokens: 256,
  messages: [{ role: "user", content: "Say hello through the fallbacks" }],
};
const { data: message, response } = await client.messages.create(params).withResponse();
const { data: stream, response: streamResponse } = await client.messages
  .create({ ...params, stream: true })
  .withResponse();
let streamedText = "";
let stopReason;
for await (const ev of stream) {
  if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") streamedText += ev.delta.text;
  if (ev.type === "message_delta") stopReason = ev.delta.stop_reason;
}
process.stdout.write(
  JSON.stringify({
    text: message.content[0]?.text,
    model: message.model,
    fallback: response.headers.get("x-sluice-fallback"),
    streamedText,
    stopReason,
    streamFallback: streamResponse.headers.get("x-sluice-fallback"),
  }),
);
