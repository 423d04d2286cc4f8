// Owns the mock's route table: which API dialect and handler answer a method and path.
// Promises: pure; HEAD matches like GET; an unknown path or method still names the dialect
// whose error format the answer must use (/v1beta → Gemini, an anthropic-version header →
// Anthropic, otherwise OpenAI).

import * as anthropic from "./anthropic.ts";
import * as gemini from "./gemini.ts";
import type { Handler } from "./handler.ts";
import * as openai from "./openai.ts";
import { embeddings } from "./openai-embeddings.ts";
import { responses } from "./openai-responses.ts";
import type { ApiFlavor } from "./types.ts";

export type Route =
  | { kind: "handler"; flavor: ApiFlavor; handler: Handler; params: Record<string, string>; post: boolean }
  | { kind: "method_not_allowed"; flavor: ApiFlavor; allow: string }
  | { kind: "not_found"; flavor: ApiFlavor };

const POST_ROUTES: Record<string, [ApiFlavor, Handler]> = {
  "/v1/messages": ["anthropic", anthropic.messages],
  "/v1/messages/count_tokens": ["anthropic", anthropic.countTokens],
  "/v1/chat/completions": ["openai", openai.chatCompletions],
  "/v1/embeddings": ["openai", embeddings],
  "/v1/responses": ["openai", responses],
};

const GEMINI_MODEL = /^\/v1beta\/models\/([^/:]+)(?::([A-Za-z]+))?$/;
const MODEL_ID = /^\/v1\/models\/([^/]+)$/;

export function flavorOf(pathname: string, headers: Headers): ApiFlavor {
  if (pathname.startsWith("/v1beta/")) return "gemini";
  return headers.has("anthropic-version") ? "anthropic" : "openai";
}

export function matchRoute(method: string, pathname: string, headers: Headers): Route {
  const verb = method === "HEAD" ? "GET" : method;
  const flavor = flavorOf(pathname, headers);
  const post = POST_ROUTES[pathname];
  if (post) {
    const [apiFlavor, handler] = post;
    if (verb === "POST") return { kind: "handler", flavor: apiFlavor, handler, params: {}, post: true };
    return { kind: "method_not_allowed", flavor: apiFlavor, allow: "POST" };
  }
  const get = (handler: Handler, params: Record<string, string> = {}): Route =>
    verb === "GET"
      ? { kind: "handler", flavor, handler, params, post: false }
      : { kind: "method_not_allowed", flavor, allow: "GET, HEAD" };
  const models = flavor === "anthropic" ? anthropic.listModels : openai.listModels;
  if (pathname === "/v1/models") return get(models);
  const id = MODEL_ID.exec(pathname)?.[1];
  if (id !== undefined) return get(models, { id: safeDecode(id) });
  if (pathname === "/v1beta/models") return get(gemini.listModels);
  const match = GEMINI_MODEL.exec(pathname);
  if (match?.[1] !== undefined) {
    const model = safeDecode(match[1]);
    const action = match[2];
    if (action === undefined) return get(gemini.listModels, { model });
    if (verb !== "POST") return { kind: "method_not_allowed", flavor, allow: "POST" };
    return {
      kind: "handler",
      flavor,
      handler: gemini.generate,
      params: { model, method: action },
      post: true,
    };
  }
  return { kind: "not_found", flavor };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
