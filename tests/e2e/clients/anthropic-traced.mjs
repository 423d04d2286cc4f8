// An agent that is itself traced: the real Anthropic SDK under Node sends its own span's
// W3C traceparent with every call (SLUICE_TEST_TRACEPARENT), the way an instrumented agent
// does, and asks once whole and once streamed. Prints the answers' ids and stop reasons.
import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({
  defaultHeaders: {
    traceparent: process.env.SLUICE_TEST_TRACEPARENT,
    "x-claude-code-session-id": "e2e-session-1",
  },
});
const params = {
  model: "claude-sonnet-4-5",
  max_tokens: 128,
  messages: [{ role: "user", content: "Trace me through sluice" }],
};
const message = await client.messages.create(params);
const final = await client.messages.stream(params).finalMessage();
process.stdout.write(
  JSON.stringify({
    ids: [message.id, final.id],
    stops: [message.stop_reason, final.stop_reason],
    usage: [message.usage, final.usage],
  }),
);
