// Checks that an Anthropic event list has the shape Anthropic's SSE has; returns what is wrong.
import type { MessagesStreamEvent } from "../../../src/translate/anthropic-types.ts";

const DELTA_FOR: Record<string, string[]> = {
  text: ["text_delta"],
  thinking: ["thinking_delta", "signature_delta"],
  tool_use: ["input_json_delta"],
};

export function streamProblems(events: MessagesStreamEvent[]): string[] {
  const problems: string[] = [];
  const first = events[0];
  if (first?.type === "error") return events.length === 1 ? [] : ["events after an error"];
  if (first?.type !== "message_start") problems.push("does not open with message_start");
  let open: { index: number; kind: string; json: string } | undefined;
  let started = 0;
  let ended = false;
  events.slice(1).forEach((e, i) => {
    if (ended) problems.push(`event ${i + 1} after the end`);
    switch (e.type) {
      case "message_start":
        problems.push("second message_start");
        break;
      case "content_block_start":
        if (open !== undefined) problems.push(`block ${e.index} starts while ${open.index} is open`);
        if (e.index !== started) problems.push(`block index ${e.index}, expected ${started}`);
        started++;
        open = { index: e.index, kind: e.content_block.type, json: "" };
        break;
      case "content_block_delta":
        if (open?.index !== e.index) problems.push(`delta for block ${e.index} that is not open`);
        else if (!DELTA_FOR[open.kind]?.includes(e.delta.type))
          problems.push(`${e.delta.type} in a ${open.kind} block`);
        if (open !== undefined && e.delta.type === "input_json_delta") open.json += e.delta.partial_json;
        break;
      case "content_block_stop":
        if (open?.index !== e.index) problems.push(`stop for block ${e.index} that is not open`);
        if (open?.kind === "tool_use") {
          try {
            const v: unknown = JSON.parse(open.json);
            if (typeof v !== "object" || v === null || Array.isArray(v))
              problems.push("tool input is not an object");
          } catch {
            problems.push(`tool input is not JSON: ${open.json}`);
          }
        }
        open = undefined;
        break;
      case "message_delta":
        if (open !== undefined) problems.push("message_delta while a block is open");
        if (events[i + 2]?.type !== "message_stop")
          problems.push("message_delta not followed by message_stop");
        break;
      case "message_stop":
      case "error":
        ended = true;
        break;
    }
  });
  if (!ended) problems.push("does not end with message_stop or error");
  return problems;
}

/** The parsed input of every tool_use block, by tool id. */
export function toolInputs(events: MessagesStreamEvent[]): Map<string, unknown> {
  const ids = new Map<number, string>();
  const json = new Map<string, string>();
  for (const e of events) {
    if (e.type === "content_block_start" && e.content_block.type === "tool_use") {
      ids.set(e.index, e.content_block.id);
      json.set(e.content_block.id, "");
    }
    if (e.type === "content_block_delta" && e.delta.type === "input_json_delta") {
      const id = ids.get(e.index) as string;
      json.set(id, (json.get(id) ?? "") + e.delta.partial_json);
    }
  }
  return new Map([...json].map(([id, text]) => [id, JSON.parse(text)]));
}
