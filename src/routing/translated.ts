// The translated leg: an Anthropic Messages request for an OpenAI Chat Completions provider,
// and that provider's answer back in Anthropic's format, streamed or not. The translation itself
// is pure (src/translate); this file owns the provider's request (headers, key, URL), reading its
// answer, and the one resend a leg makes itself: a backend that refuses
// stream_options.include_usage gets the same request without it, once, and is remembered. Sending
// otherwise, retries and moving on belong to the walk (proxy/walk.ts).
import { type ProxyError, proxyError } from "../errors.ts";
import { type RequestContext, sendDeps } from "../proxy/context.ts";
import { clientRequestId } from "../proxy/headers.ts";
import type { UpstreamRequest } from "../proxy/http-client.ts";
import type { PreparedLeg } from "../proxy/leg.ts";
import { respond, respondJson } from "../proxy/respond.ts";
import { type Sent, sendWithRetries } from "../proxy/send.ts";
import { failureMessage } from "../proxy/stream-failure.ts";
import { propagateTrace } from "../telemetry/otel-context.ts";
import type { MessagesRequest } from "../translate/anthropic-types.ts";
import { mapChatError, refusesStreamUsage } from "../translate/errors.ts";
import { estimateInputTokens, tokenizer } from "../translate/estimate.ts";
import { messageEvents } from "../translate/message-events.ts";
import type { ChatRequest, ChatResponse } from "../translate/openai-types.ts";
import { chatCompletionsUrl } from "../translate/presets.ts";
import { toChatRequest } from "../translate/request.ts";
import { fromChatResponse } from "../translate/response.ts";
import { ChatToMessagesStream } from "../translate/streaming.ts";
import { maxTokensCap, type Provider, type RouteMatch } from "./providers.ts";
import { translatedStreamShape } from "./translated-stream.ts";

const encoder = new TextEncoder();
/** Most bytes of a provider's error body read to translate it. */
const ERROR_BODY_CAP = 64 * 1024;
/** Providers that answered 400 to stream_options.include_usage (forgotten on reload). */
const refusedStreamUsage = new WeakSet<Provider>();
/** Backend headers an Anthropic client acts on, passed with a translated error. */
const KEPT_ERROR_HEADERS = ["retry-after"];

/** The leg for one OpenAI-format target, or a 400 when the request cannot be expressed there. */
export function translatedLeg(
  ctx: RequestContext,
  request: MessagesRequest,
  match: RouteMatch,
): PreparedLeg | ProxyError {
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
  const url = chatCompletionsUrl(provider.baseUrl);
  const host = new URL(url).host;
  const withUsage = encoder.encode(JSON.stringify(translated.body));
  const streamed = translated.body.stream === true;
  const asksUsage = translated.body.stream_options !== undefined;
  const extra: Record<string, string> = { "x-sluice-provider": provider.name };
  if (translated.dropped.length > 0) extra["x-sluice-dropped"] = translated.dropped.join(",");
  let lastKey: string | undefined;
  const build = (key: string | undefined, usage: boolean): UpstreamRequest => {
    lastKey = key;
    const body = usage ? withUsage : withoutStreamUsage(translated.body);
    return { url, method: "POST", headers: providerHeaders(ctx, streamed, key), body };
  };
  const answer = async (sent: Sent): Promise<Response> => {
    const status = sent.response.status;
    if (!asksUsage || refusedStreamUsage.has(provider) || (status !== 400 && status !== 422))
      return translatedAnswer(ctx, request, match, streamed, sent, extra);
    const text = await readCapped(sent.response);
    sent.release();
    if (!refusesStreamUsage(text)) return errorAnswer(ctx, status, text, sent.response.headers, extra);
    refusedStreamUsage.add(provider);
    const again = await sendWithRetries(
      sendDeps(ctx.deps),
      build(lastKey, false),
      { name: provider.name, baseUrl: provider.baseUrl, host },
      ctx.req.signal,
    );
    ctx.ex.retries += again.retries + 1;
    if (!again.ok) return ctx.fail(again.error);
    return translatedAnswer(ctx, request, match, streamed, again.sent, extra);
  };
  return {
    body: withUsage,
    host,
    dropped: translated.dropped,
    request: (key) => build(key, !refusedStreamUsage.has(provider)),
    answer,
  };
}

/** Fresh headers: the provider's key, never the client's; the client's x-request-id and trace. */
function providerHeaders(ctx: RequestContext, streamed: boolean, key: string | undefined): Headers {
  const headers = new Headers({
    "content-type": "application/json",
    accept: streamed ? "text/event-stream" : "application/json",
    "accept-encoding": "identity",
    via: ctx.deps.via,
  });
  if (key) headers.set("authorization", `Bearer ${key}`);
  const requestId = clientRequestId(ctx.req.headers);
  if (requestId !== undefined) headers.set("x-request-id", requestId);
  propagateTrace(headers, ctx.ex.upstreamTraceparent, ctx.req.headers);
  return headers;
}

function withoutStreamUsage(body: ChatRequest): Uint8Array {
  const { stream_options: _, ...rest } = body;
  return encoder.encode(JSON.stringify(rest));
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
    return errorAnswer(ctx, response.status, text, response.headers, extra);
  }
  const eventStream = response.headers.get("content-type")?.includes("event-stream") === true;
  if (!streamed || !eventStream) {
    // A whole answer; some backends answer a stream request this way too.
    const json = parseJson(await response.text()) as ChatResponse | undefined;
    release();
    if (!json || typeof json !== "object") {
      return ctx.fail(proxyError("upstream_error", `provider ${provider.name} answered with invalid JSON`));
    }
    if (json.error) {
      const code = typeof json.error.code === "number" ? json.error.code : 502;
      return errorAnswer(ctx, code, JSON.stringify(json), response.headers, extra);
    }
    const dropped: string[] = [];
    const message = fromChatResponse(json, {
      requestModel: request.model,
      stopSequences: request.stop_sequences ?? [],
      thinkTags: provider.preset.thinkTags,
      onDrop: (what) => dropped.push(what),
    });
    if (dropped.length > 0) ctx.ex.dropped = [...new Set([...(ctx.ex.dropped ?? []), ...dropped])];
    if (!streamed) return respondJson(ctx, 200, message, extra);
    return respondEvents(ctx, messageEvents(message), extra);
  }

  const stream = new ChatToMessagesStream({
    model: request.model,
    inputTokensHint: estimateInputTokens(request),
    stopSequences: request.stop_sequences ?? [],
    thinkTags: provider.preset.thinkTags,
    countTokens: tokenizer(),
  });
  const shape = translatedStreamShape(stream, {
    ex: ctx.ex,
    failureMessage: (how) => failureMessage(how, provider.name, ctx.deps.config.readTimeoutMs),
  });
  return respond(
    ctx,
    {
      status: 200,
      headers: new Headers({ "content-type": "text/event-stream", "cache-control": "no-cache", ...extra }),
      body: response.body ?? new Response("").body,
      abort,
      release,
    },
    shape,
  );
}

/** A backend's error in Anthropic's format, with the retry-after an Anthropic client acts on. */
function errorAnswer(
  ctx: RequestContext,
  status: number,
  text: string,
  upstream: Headers,
  extra: Record<string, string>,
) {
  const mapped = mapChatError(status, parseJson(text) ?? text);
  const headers = { ...extra };
  for (const name of KEPT_ERROR_HEADERS) {
    const value = upstream.get(name);
    if (value !== null) headers[name] = value;
  }
  ctx.ex.error = mapped.body.error.message;
  return respondJson(ctx, mapped.status, mapped.body, headers);
}

/** A whole answer to a stream request, as the stream Anthropic would have sent. */
function respondEvents(
  ctx: RequestContext,
  events: ReturnType<typeof messageEvents>,
  extra: Record<string, string>,
) {
  const text = events.map((ev) => `event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`).join("");
  return respond(ctx, {
    status: 200,
    headers: new Headers({ "content-type": "text/event-stream", "cache-control": "no-cache", ...extra }),
    body: new Response(encoder.encode(text)).body,
    abort: () => {},
    release: () => {},
  });
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
