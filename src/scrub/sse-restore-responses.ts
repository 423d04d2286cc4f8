// Restores pseudonyms in an OpenAI Responses API stream. Each text-like `*.delta` event kind
// (output text, refusal, reasoning text and summaries, audio transcript, tool call arguments and
// custom tool input) is a channel per item / content part; arguments are JSON text (values
// escaped). A held tail is sent as one more delta just before the matching `*.done` event, or at
// the end of the stream. Done events and whole responses carry full text and are restored whole.
// Audio deltas are base64 and pass untouched.

import type { SseEvent } from "../sse/types.ts";
import type { JsonValue } from "./json-walk.ts";
import {
  Channels,
  type JsonObject,
  type RestoreKit,
  restoreEvent,
  type Tail,
  withData,
} from "./sse-channels.ts";

const TEXT_KINDS = new Set([
  "response.output_text",
  "response.refusal",
  "response.reasoning_text",
  "response.reasoning_summary_text",
  "response.output_audio_transcript",
  "response.audio.transcript",
  "response.function_call_arguments",
  "response.custom_tool_call_input",
  "response.mcp_call_arguments",
]);

const POSITION_FIELDS = ["item_id", "output_index", "content_index", "summary_index"] as const;

interface DeltaMeta {
  /** The delta event as last seen, without its text: the template for a tail event. */
  template: JsonObject;
  named: boolean;
}

function kindOf(type: string, suffix: ".delta" | ".done"): string | undefined {
  if (!type.endsWith(suffix)) return undefined;
  const kind = type.slice(0, -suffix.length);
  return TEXT_KINDS.has(kind) ? kind : undefined;
}

function channelKey(kind: string, obj: JsonObject): string {
  return [kind, ...POSITION_FIELDS.map((f) => String(obj[f] ?? ""))].join("|");
}

function tailEvent(tail: Tail<DeltaMeta>, sequence: JsonValue | undefined): SseEvent {
  const data: JsonObject = { ...tail.meta.template, delta: tail.text };
  if (sequence !== undefined) data.sequence_number = sequence;
  const type = data.type;
  const ev: SseEvent = { data: JSON.stringify(data) };
  if (tail.meta.named && typeof type === "string") ev.event = type;
  return ev;
}

export interface ResponsesRestorer {
  event(ev: SseEvent, obj: JsonObject): SseEvent[];
  finish(): SseEvent[];
}

export function createResponsesRestorer(kit: RestoreKit): ResponsesRestorer {
  const channels = new Channels<DeltaMeta>(kit);
  return {
    event(ev, obj) {
      const type = typeof obj.type === "string" ? obj.type : "";
      const deltaKind = kindOf(type, ".delta");
      if (deltaKind !== undefined && typeof obj.delta === "string") {
        const input = obj.delta;
        const json = deltaKind.endsWith("_arguments");
        const { delta: _text, ...template } = obj;
        const out = channels.push(channelKey(deltaKind, obj), input, json, {
          template,
          named: ev.event !== undefined,
        });
        if (out === input) return [ev];
        if (out.length === 0) return [];
        obj.delta = out;
        return [withData(ev, obj)];
      }
      const doneKind = kindOf(type, ".done");
      if (doneKind !== undefined) {
        const key = channelKey(doneKind, obj);
        const tails = channels.end((k) => k === key).map((t) => tailEvent(t, obj.sequence_number));
        return [...tails, restoreEvent(ev, kit, obj)];
      }
      return [restoreEvent(ev, kit, obj)];
    },
    finish() {
      return channels.endAll().map((t) => tailEvent(t, undefined));
    },
  };
}
