// Restores pseudonyms in an Anthropic Messages stream (also what translated routes send to the
// client). Each content block index is a channel: text_delta text and input_json_delta
// partial_json (JSON text, so values are escaped) are restored with a held-back tail; the tail is
// sent as one more delta of the same kind just before content_block_stop (or before message_stop,
// error, or the end of the stream). Thinking and signatures are left untouched: they are signed,
// and the next request must send them back exactly as the model wrote them.

import type { SseEvent } from "../sse/types.ts";
import {
  Channels,
  type EventRestorer,
  isObject,
  parseObject,
  type RestoreKit,
  restoreEvent,
  type Tail,
  withData,
} from "./sse-channels.ts";

interface BlockMeta {
  index: number;
  deltaType: "text_delta" | "input_json_delta";
  field: "text" | "partial_json";
}

function tailEvent(tail: Tail<BlockMeta>): SseEvent {
  const { index, deltaType, field } = tail.meta;
  const delta = { type: deltaType, [field]: tail.text };
  return {
    event: "content_block_delta",
    data: JSON.stringify({ type: "content_block_delta", index, delta }),
  };
}

export function createAnthropicRestorer(kit: RestoreKit): EventRestorer {
  const channels = new Channels<BlockMeta>(kit);
  const flush = (select: (key: string) => boolean) => channels.end(select).map(tailEvent);

  return {
    event(ev) {
      const obj = parseObject(ev.data);
      if (obj === undefined) return [restoreEvent(ev, kit)];
      const type = obj.type;
      if (type === "content_block_delta") {
        const delta = obj.delta;
        const index = typeof obj.index === "number" ? obj.index : 0;
        if (!isObject(delta)) return [restoreEvent(ev, kit, obj)];
        const deltaType = delta.type;
        if (deltaType !== "text_delta" && deltaType !== "input_json_delta")
          return [restoreEvent(ev, kit, obj)];
        const field = deltaType === "text_delta" ? "text" : "partial_json";
        const input = delta[field];
        if (typeof input !== "string") return [restoreEvent(ev, kit, obj)];
        const out = channels.push(String(index), input, field === "partial_json", {
          index,
          deltaType,
          field,
        });
        if (out === input) return [ev];
        if (out.length === 0) return [];
        delta[field] = out;
        return [withData(ev, obj)];
      }
      if (type === "content_block_stop") {
        const key = String(typeof obj.index === "number" ? obj.index : 0);
        return [...flush((k) => k === key), ev];
      }
      if (type === "message_stop" || type === "error" || type === "message_delta") {
        return [...flush(() => true), restoreEvent(ev, kit, obj)];
      }
      return [restoreEvent(ev, kit, obj)];
    },
    finish() {
      return flush(() => true);
    },
  };
}
