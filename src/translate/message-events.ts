// A whole Anthropic message as the event stream Anthropic would have sent for it (a backend that
// answers a stream request with one JSON body). Pure; the events follow Anthropic's order.
import type { MessagesResponse, MessagesStreamEvent } from "./anthropic-types.ts";

export function messageEvents(message: MessagesResponse): MessagesStreamEvent[] {
  const start = { ...message, content: [], stop_reason: null, stop_sequence: null };
  const events: MessagesStreamEvent[] = [{ type: "message_start", message: start }, { type: "ping" }];
  message.content.forEach((block, index) => {
    if (block.type === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } });
    } else if (block.type === "thinking") {
      events.push({
        type: "content_block_start",
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      });
      events.push({
        type: "content_block_delta",
        index,
        delta: { type: "thinking_delta", thinking: block.thinking },
      });
    } else {
      events.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      const partial_json = JSON.stringify(block.input);
      events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
    }
    events.push({ type: "content_block_stop", index });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
    usage: message.usage,
  });
  events.push({ type: "message_stop" });
  return events;
}
