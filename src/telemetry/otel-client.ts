// Sends one batch of encoded spans to an OTLP/HTTP collector (binary protobuf, the protocol's
// default) and turns the answer into the sender's verdict, following the OTLP spec: 2xx is
// accepted (a partial success counts the refused spans), 429/502/503/504 and network failures
// are retried, anything else is refused and not retried. Promises: never throws, never follows
// a redirect (the headers may carry credentials), never waits past its timeout.
import { describeFailure } from "./client.ts";
import {
  decodePartialSuccess,
  encodeRequest,
  envelope,
  type KeyValue,
  type Scope,
  type SpanData,
} from "./otel-proto.ts";
import type { BatchClient, SendOutcome } from "./sender.ts";

/** One span as the sender keeps it once built (off the request path), with its estimated size. */
export interface BuiltSpan {
  span: SpanData;
  bytes: number;
}

export interface CollectorOptions {
  url: string;
  headers: Record<string, string>;
  resource: KeyValue[];
  scope: Scope;
  timeoutMs: number;
  fetch: typeof fetch;
}

const RETRYABLE = new Set([408, 429, 502, 503, 504]);

/** What an HTTP status means for a batch (the body matters only for a 2xx partial success). */
export function verdict(status: number, body: Uint8Array): SendOutcome {
  if (status >= 200 && status < 300) {
    const partial = decodePartialSuccess(body);
    return {
      kind: "ok",
      failedTraces: partial.rejectedSpans,
      ...(partial.errorMessage ? { reason: partial.errorMessage } : {}),
    };
  }
  if (RETRYABLE.has(status)) return { kind: "retry", reason: `HTTP ${status}` };
  return { kind: "reject", reason: `HTTP ${status}${hint(status)}` };
}

function hint(status: number): string {
  if (status === 401 || status === 403)
    return " (check SLUICE_OTEL_HEADERS: the collector wants credentials)";
  if (status === 404) return " (check the endpoint: spans are POSTed to <endpoint>/v1/traces)";
  if (status === 415) return " (the endpoint does not take OTLP/HTTP protobuf)";
  if (status >= 300 && status < 400) return " (the endpoint redirects; configure the URL it points to)";
  return "";
}

export function createCollectorClient(o: CollectorOptions): BatchClient<BuiltSpan> {
  let controller = new AbortController();
  const headers = { ...o.headers, "content-type": "application/x-protobuf" };
  const env = envelope(o.resource, o.scope);
  return {
    async send(batch) {
      const body = encodeRequest(
        env,
        batch.map((b) => b.span),
      );
      try {
        const res = await o.fetch(o.url, {
          method: "POST",
          headers,
          body,
          redirect: "manual",
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(o.timeoutMs)]),
        });
        return verdict(res.status, new Uint8Array(await res.arrayBuffer()));
      } catch (err) {
        return { kind: "retry", reason: describeFailure(err, o.timeoutMs) };
      }
    },
    abort() {
      controller.abort();
      controller = new AbortController();
    },
  };
}
