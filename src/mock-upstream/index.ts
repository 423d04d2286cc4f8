// The mock upstream's public face: start a deterministic fake Anthropic + OpenAI + Gemini
// server, and the types that describe it. Everything else in this folder is internal.

export { DEFAULT_PORT, startMockUpstream } from "./server.ts";
export type { MockOptions, MockServer, RecordedRequest } from "./types.ts";
