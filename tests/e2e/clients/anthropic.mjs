// Drives sluice with the real Anthropic SDK under Node: JSON, stream, count_tokens, models.
// Trust comes from NODE_EXTRA_CA_CERTS, the base URL from ANTHROPIC_BASE_URL; SLUICE_TEST_MODEL picks the model.
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic();
const params = {
  model: process.env.SLUICE_TEST_MODEL ?? "claude-sonnet-4-5",
  max_tokens: 256,
  messages: [{ role: "user", content: "Say hello through sluice" }],
};
const message = await client.messages.create(params);
const stream = client.messages.stream(params);
const deltas = [];
stream.on("text", (t) => deltas.push(t));
const final = await stream.finalMessage();
const count = await client.messages.countTokens({ model: params.model, messages: params.messages });
const models = await client.models.list();
const tool = await client.messages.create({
  ...params,
  messages: [{ role: "user", content: "use tool get_weather" }],
  tools: [
    {
      name: "get_weather",
      description: "weather",
      input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    text: message.content[0].text,
    usage: message.usage,
    streamedText: deltas.join(""),
    finalText: final.content[0].text,
    streamUsage: final.usage,
    countTokens: count.input_tokens,
    models: models.data.map((m) => m.id),
    toolUse: tool.content.find((b) => b.type === "tool_use"),
    stopReason: tool.stop_reason,
  }),
);
