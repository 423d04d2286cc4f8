// The real OpenAI SDK under Node through sluice, for a model an `api = "openai"` route takes:
// one chat completion as JSON and one streamed, each with the x-sluice-fallback it was told.
// Trust comes from NODE_EXTRA_CA_CERTS, the base URL from OPENAI_BASE_URL.
import OpenAI from "openai";

const client = new OpenAI({ maxRetries: 0 });
const messages = [{ role: "user", content: "Say hello through the chat fallbacks" }];
const { data: chat, response } = await client.chat.completions
  .create({ model: "gpt-4.1", messages })
  .withResponse();
const { data: stream, response: streamResponse } = await client.chat.completions
  .create({ model: "gpt-4.1", messages, stream: true })
  .withResponse();
let streamed = "";
let streamUsage = null;
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
  if (chunk.usage) streamUsage = chunk.usage;
}
process.stdout.write(
  JSON.stringify({
    text: chat.choices[0].message.content,
    fallback: response.headers.get("x-sluice-fallback"),
    streamed,
    streamUsage,
    streamFallback: streamResponse.headers.get("x-sluice-fallback"),
  }),
);
