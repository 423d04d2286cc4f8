// Drives sluice with the real OpenAI SDK under Node: chat (JSON and stream) and embeddings.
// Trust comes from NODE_EXTRA_CA_CERTS, the base URL from OPENAI_BASE_URL.
import OpenAI from "openai";

const client = new OpenAI();
const messages = [{ role: "user", content: "Say hello through sluice" }];
const chat = await client.chat.completions.create({ model: "gpt-4.1", messages });
const stream = await client.chat.completions.create({ model: "gpt-4.1", messages, stream: true });
let streamed = "";
let streamUsage = null;
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
  if (chunk.usage) streamUsage = chunk.usage;
}
const emb = await client.embeddings.create({ model: "text-embedding-3-small", input: "hello" });
process.stdout.write(
  JSON.stringify({
    text: chat.choices[0].message.content,
    usage: chat.usage,
    streamed,
    streamUsage,
    embeddingLength: emb.data[0].embedding.length,
  }),
);
