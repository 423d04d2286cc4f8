// The shape of one Server-Sent Event, shared by the decoder (parse.ts), the encoder
// (encode.ts) and every stream observer. Field names follow the WHATWG EventSource spec.

export interface SseEvent {
  /** `event:` field; absent means the default type "message". */
  event?: string;
  /** `data:` lines joined with "\n" (no trailing newline). */
  data: string;
  /** `id:` field, when the event carried one. */
  id?: string;
  /** `retry:` field in milliseconds, when present and a valid integer. */
  retry?: number;
}
