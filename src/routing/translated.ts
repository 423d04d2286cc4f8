// The translated leg: an Anthropic Messages request for an OpenAI Chat Completions provider,
// and that provider's answer back in Anthropic's format, streamed or not. The translation itself
// is pure (src/translate); this file owns the provider's request (headers, key, URL) and the
// stream transform that turns Chat chunks into Anthropic events as they arrive. Sending,
// retries and moving on belong to the walk (proxy/walk.ts).
import { type ProxyError, proxyError } from "../errors.ts";
import type { RequestContext } from "../proxy/context.ts";
import { clientRequestId } from "../proxy/headers.ts";
import type { PreparedLeg } from "../proxy/leg.ts";
import { respond, respondJson } from "../proxy/respond.ts";
import type { Sent } from "../proxy/send.ts";
import { SseDecoder } from "../sse/parse.ts";
import { propagateTrace } from "../telemetry/otel-context.ts";
import type { MessagesRequest, MessagesStreamEvent } from "../translate/anthropic-types.ts";
import { mapChatError } from "../translate/errors.ts";
import { estimateInputTokens } from "../translate/estimate.ts";
import type { ChatChunk, ChatResponse } from "../translate/openai-types.ts";
import { chatCompletionsUrl } from "../translate/presets.ts";
import { toChatRequest } from "../translate/request.ts";
import { fromChatResponse } from "../translate/response.ts";
import { ChatToMessagesStream } from "../translate/streaming.ts";
import { maxTokensCap, type RouteMatch } from "./providers.ts";

const encoder = new TextEncoder();
/** Most bytes of a provider's error body read to translate it. */
const ERROR_BODY_CAP = 64 * 1024;

const encodeEvent = (ev: MessagesStreamEvent) => `event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`;

/** The leg for one OpenAI-format target, or a 400 when the request cannot be expressed there. */
export function translatedLeg(
  ctx: RequestContext,
  request: MessagesRequest,
  match: RouteMatch,
): PreparedLeg | ProxyError {
  const { deps, req } = ctx;
  const { provider } = match;
  const translated = toChatRequest(request, {
    model: match.model,
    preset:
      match.maxTokens === undefined
        ? provider.preset
        : { ...provider.preset, maxTokensCap: maxTokensCap(match) },
    strict: provider.strict,
    dropParams: provider.dropParams,
  });
  if (!translated.ok) return proxyError("bad_request", `provider ${provider.name}: ${translated.error}`);
  const body = encoder.encode(JSON.stringify(translated.body));
  const url = chatCompletionsUrl(provider.baseUrl);
  const extra: Record<string, string> = { "x-sluice-provider": provider.name };
  if (translated.dropped.length > 0) extra["x-sluice-dropped"] = translated.dropped.join(",");
  return {
    body,
    host: new URL(url).host,
    dropped: translated.dropped,
    request(key) {
      const headers = new Headers({
        "content-type": "application/json",
        accept: translated.body.stream ? "text/event-stream" : "application/json",
        "accept-encoding": "identity",
        via: deps.via,
      });
      if (key) headers.set("authorization", `Bearer ${key}`);
      const requestId = clientRequestId(req.headers);
      if (requestId !== undefined) headers.set("x-request-id", requestId);
      propagateTrace(headers, ctx.ex.upstreamTraceparent, req.headers);
      return { url, method: "POST", headers, body };
    },
    answer: (sent) => translatedAnswer(ctx, request, match, translated.body.stream === true, sent, extra),
  };
}

async function translatedAnswer(
  ctx: RequestContext,
  request: MessagesRequest,
  match: RouteMatch,
  streamed: boolean,
  sent: Sent,
  extra: Record<string, string>,
): Promise<Response> {
  const { provider } = match;
  const { response, abort, release } = sent;

  if (response.status < 200 || response.status >= 300) {
    const text = await readCapped(response);
    release();
    const mapped = mapChatError(response.status, parseJson(text));
    return finishWithJson(ctx, mapped.status, mapped.body, extra);
  }

  if (!streamed) {
    const json = parseJson(await response.text()) as ChatResponse | undefined;
    release();
    if (!json || typeof json !== "object") {
      return ctx.fail(proxyError("upstream_error", `provider ${provider.name} answered with invalid JSON`));
    }
    if (json.error) {
      const mapped = mapChatError(typeof json.error.code === "number" ? json.error.code : 502, json);
      return finishWithJson(ctx, mapped.status, mapped.body, extra);
    }
    const message = fromChatResponse(json, {
      requestModel: request.model,
      stopSequences: request.stop_sequences ?? [],
      thinkTags: provider.preset.thinkTags,
    });
    return finishWithJson(ctx, 200, message, extra);
  }

  const stream = new ChatToMessagesStream({
    model: request.model,
    inputTokensHint: estimateInputTokens(request),
    stopSequences: request.stop_sequences ?? [],
    thinkTags: provider.preset.thinkTags,
  });
  const decoder = new SseDecoder();
  const translate = (events: MessagesStreamEvent[], out: TransformStreamDefaultController<Uint8Array>) => {
    if (events.length > 0) out.enqueue(encoder.encode(events.map(encodeEvent).join("")));
  };
  const toAnthropic = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, out) {
      for (const ev of decoder.push(chunk)) {
        if (ev.data === "[DONE]" || ev.data === "") continue;
        const parsed = parseJson(ev.data);
        if (parsed && typeof parsed === "object") translate(stream.push(parsed as ChatChunk), out);
      }
    },
    flush(out) {
      for (const ev of decoder.finish()) {
        const parsed = parseJson(ev.data);
        if (parsed && typeof parsed === "object") translate(stream.push(parsed as ChatChunk), out);
      }
      translate(stream.finish(), out);
    },
  });
  return respond(ctx, {
    status: 200,
    headers: new Headers({ "content-type": "text/event-stream", "cache-control": "no-cache", ...extra }),
    body: response.body ? response.body.pipeThrough(toAnthropic) : null,
    abort,
    release,
  });
}

/** A translated JSON answer (message or error), observed like any other. */
function finishWithJson(ctx: RequestContext, status: number, body: unknown, extra: Record<string, string>) {
  if (status >= 400) ctx.ex.error = (body as { error?: { message?: string } }).error?.message;
  return respondJson(ctx, status, body, extra);
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  while (n < ERROR_BODY_CAP) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return new TextDecoder().decode(Buffer.concat(parts)).slice(0, ERROR_BODY_CAP);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
