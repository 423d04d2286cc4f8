// Restores pseudonyms in an OpenAI Chat Completions stream; Responses API events (type
// "response.*") are handed to sse-restore-responses.ts. Channels per choice: delta.content,
// reasoning_content, reasoning, refusal (text), and each tool_calls[i].function.arguments (JSON
// text, values escaped). Held tails are added to the chunk that carries the choice's
// finish_reason, or sent in one extra chunk before `data: [DONE]` / the end of the stream.

import type { SseEvent } from "../sse/types.ts";
import type { JsonValue } from "./json-walk.ts";
import {
  Channels,
  type EventRestorer,
  isObject,
  type JsonObject,
  parseObject,
  type RestoreKit,
  restoreEvent,
  type Tail,
  withData,
} from "./sse-channels.ts";
import { createResponsesRestorer } from "./sse-restore-responses.ts";

const TEXT_FIELDS = ["content", "reasoning_content", "reasoning", "refusal"] as const;

interface ChoiceMeta {
  choice: number;
  /** A text field name, or undefined for a tool call's arguments. */
  field?: string;
  tool?: number;
}

/** Adds the held tails of one choice to its delta object. */
function appendTails(delta: JsonObject, tails: readonly Tail<ChoiceMeta>[]): void {
  for (const { text, meta } of tails) {
    if (meta.field !== undefined) {
      const before = delta[meta.field];
      delta[meta.field] = (typeof before === "string" ? before : "") + text;
      continue;
    }
    let calls = delta.tool_calls;
    if (!Array.isArray(calls)) {
      calls = [];
      delta.tool_calls = calls;
    }
    const call = calls.find((c) => isObject(c) && c.index === meta.tool);
    if (!isObject(call)) {
      calls.push({ index: meta.tool ?? 0, function: { arguments: text } });
      continue;
    }
    const fn = isObject(call.function) ? call.function : {};
    fn.arguments = (typeof fn.arguments === "string" ? fn.arguments : "") + text;
    call.function = fn;
  }
}

export function createOpenAiRestorer(kit: RestoreKit): EventRestorer {
  const channels = new Channels<ChoiceMeta>(kit);
  const responses = createResponsesRestorer(kit);
  let last: JsonObject = {};

  /** One chunk carrying every held tail, shaped like the last chunk seen. */
  const tailChunk = (): SseEvent[] => {
    const tails = channels.endAll();
    if (tails.length === 0) return [];
    const byChoice = new Map<number, Tail<ChoiceMeta>[]>();
    for (const tail of tails)
      byChoice.set(tail.meta.choice, [...(byChoice.get(tail.meta.choice) ?? []), tail]);
    const choices: JsonValue[] = [];
    for (const [index, group] of byChoice) {
      const delta: JsonObject = {};
      appendTails(delta, group);
      choices.push({ index, delta, finish_reason: null });
    }
    const chunk = {
      id: last.id ?? "",
      object: "chat.completion.chunk",
      created: last.created ?? 0,
      model: last.model ?? "",
      choices,
    };
    return [{ data: JSON.stringify(chunk) }];
  };

  const chunk = (ev: SseEvent, obj: JsonObject, choices: JsonValue[]): SseEvent => {
    last = obj;
    let changed = false;
    choices.forEach((choice, position) => {
      if (!isObject(choice)) return;
      const ci = typeof choice.index === "number" ? choice.index : position;
      const delta = isObject(choice.delta) ? choice.delta : undefined;
      if (delta !== undefined) {
        for (const field of TEXT_FIELDS) {
          const input = delta[field];
          if (typeof input !== "string") continue;
          const out = channels.push(`${ci}|${field}`, input, false, { choice: ci, field });
          if (out !== input) {
            delta[field] = out;
            changed = true;
          }
        }
        const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls : [];
        calls.forEach((call, tp) => {
          const fn = isObject(call) ? call.function : undefined;
          if (!isObject(call) || !isObject(fn) || typeof fn.arguments !== "string") return;
          const tool = typeof call.index === "number" ? call.index : tp;
          const out = channels.push(`${ci}|tool|${tool}`, fn.arguments, true, { choice: ci, tool });
          if (out !== fn.arguments) {
            fn.arguments = out;
            changed = true;
          }
        });
      }
      if (typeof choice.finish_reason === "string") {
        const tails = channels.end((key) => key.startsWith(`${ci}|`));
        if (tails.length > 0) {
          const target = delta ?? {};
          choice.delta = target;
          appendTails(target, tails);
          changed = true;
        }
      }
    });
    const restored = ev.data.includes("SLUICE_") ? kit.json(obj) : obj;
    return changed || restored !== obj ? withData(ev, restored) : ev;
  };

  return {
    event(ev) {
      if (ev.data.trim() === "[DONE]") return [...tailChunk(), ev];
      const obj = parseObject(ev.data);
      if (obj === undefined) return [restoreEvent(ev, kit)];
      if (typeof obj.type === "string" && obj.type.startsWith("response.")) return responses.event(ev, obj);
      if (Array.isArray(obj.choices)) return [chunk(ev, obj, obj.choices)];
      return [restoreEvent(ev, kit, obj)];
    },
    finish() {
      return [...responses.finish(), ...tailChunk()];
    },
  };
}
