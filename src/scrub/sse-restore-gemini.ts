// Restores pseudonyms in a Gemini streamGenerateContent stream (alt=sse). Each candidate has two
// channels, its text parts and its thought parts; functionCall args arrive whole and are restored
// whole. A held tail is appended to the candidate's last text part of the chunk that carries its
// finishReason (a part is added when there is none), or sent in one extra chunk at the end.

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

interface PartMeta {
  candidate: number;
  thought: boolean;
}

function appendTails(candidate: JsonObject, tails: readonly Tail<PartMeta>[]): void {
  const content = isObject(candidate.content) ? candidate.content : { role: "model" };
  candidate.content = content;
  const parts = Array.isArray(content.parts) ? content.parts : [];
  content.parts = parts;
  for (const { text, meta } of tails) {
    const same = parts.findLast(
      (p) => isObject(p) && typeof p.text === "string" && (p.thought === true) === meta.thought,
    );
    if (isObject(same) && typeof same.text === "string") same.text += text;
    else parts.push(meta.thought ? { text, thought: true } : { text });
  }
}

export function createGeminiRestorer(kit: RestoreKit): EventRestorer {
  const channels = new Channels<PartMeta>(kit);

  const chunk = (ev: SseEvent, obj: JsonObject, candidates: JsonValue[]): SseEvent => {
    let changed = false;
    candidates.forEach((candidate, position) => {
      if (!isObject(candidate)) return;
      const ci = typeof candidate.index === "number" ? candidate.index : position;
      const parts =
        isObject(candidate.content) && Array.isArray(candidate.content.parts) ? candidate.content.parts : [];
      for (const part of parts) {
        if (!isObject(part) || typeof part.text !== "string") continue;
        const thought = part.thought === true;
        const out = channels.push(`${ci}|${thought}`, part.text, false, { candidate: ci, thought });
        if (out !== part.text) {
          part.text = out;
          changed = true;
        }
      }
      if (typeof candidate.finishReason === "string") {
        const tails = channels.end((key) => key.startsWith(`${ci}|`));
        if (tails.length > 0) {
          appendTails(candidate, tails);
          changed = true;
        }
      }
    });
    const restored = ev.data.includes("SLUICE_") ? kit.json(obj) : obj;
    return changed || restored !== obj ? withData(ev, restored) : ev;
  };

  return {
    event(ev) {
      const obj = parseObject(ev.data);
      if (obj === undefined) return [restoreEvent(ev, kit)];
      if (Array.isArray(obj.candidates)) return [chunk(ev, obj, obj.candidates)];
      return [restoreEvent(ev, kit, obj)];
    },
    finish() {
      const tails = channels.endAll();
      if (tails.length === 0) return [];
      const byCandidate = new Map<number, JsonObject>();
      for (const tail of tails) {
        const candidate = byCandidate.get(tail.meta.candidate) ?? { index: tail.meta.candidate };
        appendTails(candidate, [tail]);
        byCandidate.set(tail.meta.candidate, candidate);
      }
      return [{ data: JSON.stringify({ candidates: [...byCandidate.values()] }) }];
    },
  };
}
