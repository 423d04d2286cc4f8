// A real OTLP/HTTP trace receiver on 127.0.0.1: POST /v1/traces with binary protobuf, decoded
// with the message classes that @opentelemetry/otlp-transformer generated from the official
// opentelemetry-proto definitions (so a wrong field number or wire type shows up as a wrong
// or missing value here). It answers like a collector: 200 with an ExportTraceServiceResponse,
// 415 for other content types; tests can make it fail (status), refuse part of a batch, or
// hang until released, and wait for spans by event, never by polling.

import generated from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import type { Server } from "bun";

/** The slice of the generated classes this receiver uses (the package types them as a bare Root). */
interface DecodedSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  parentSpanId?: Uint8Array | null;
  traceState?: string | null;
  flags?: number | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: KeyValueLike[] | null;
  status?: { code?: number | null; message?: string | null } | null;
}
type KeyValueLike = { key?: string | null; value?: AnyValueLike | null };
interface DecodedRequest {
  resourceSpans?:
    | {
        resource?: { attributes?: KeyValueLike[] | null } | null;
        scopeSpans?:
          | {
              scope?: { name?: string | null; version?: string | null } | null;
              spans?: DecodedSpan[] | null;
              schemaUrl?: string | null;
            }[]
          | null;
      }[]
    | null;
}
interface Generated {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: {
            ExportTraceServiceRequest: { decode(b: Uint8Array): DecodedRequest };
            ExportTraceServiceResponse: { encode(m: object): { finish(): Uint8Array<ArrayBuffer> } };
          };
        };
      };
    };
  };
}

const v1 = (generated as unknown as Generated).opentelemetry.proto.collector.trace.v1;
const Request = v1.ExportTraceServiceRequest;
const Response_ = v1.ExportTraceServiceResponse;

export type AttrValue = string | number | boolean | AttrValue[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  flags: number;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttrValue>;
  status: { code: number; message?: string };
  resource: Record<string, AttrValue>;
  scope: { name: string; version: string; schemaUrl: string };
}

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface OtlpReceiver {
  /** Base URL (what SLUICE_OTEL_ENDPOINT takes). */
  url: string;
  spans: ReceivedSpan[];
  requests: ReceivedRequest[];
  behaviour: { status?: number; hang?: boolean; rejectSpans?: number };
  /** Answers every request held by `hang`. */
  release(): void;
  /** Resolves once n spans arrived in all (counting those already here). */
  waitForSpans(n: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Resolves once n export requests arrived (also those held or refused). */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

type AnyValueLike = {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: unknown;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValueLike[] | null } | null;
};

function value(v: AnyValueLike | null | undefined): AttrValue {
  if (!v) return "";
  if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
  if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) return Number(String(v.intValue));
  if (v.doubleValue !== undefined && v.doubleValue !== null) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return "";
}

function attributes(list: KeyValueLike[] | null | undefined) {
  const out: Record<string, AttrValue> = {};
  for (const kv of list ?? []) out[kv.key ?? ""] = value(kv.value);
  return out;
}

const hex = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array(0)).toString("hex");
const nanos = (v: unknown) => BigInt(String(v ?? 0));

/** Every span of one request, flattened with its resource and scope. */
export function decodeTraces(body: Uint8Array): ReceivedSpan[] {
  const req = Request.decode(body);
  const out: ReceivedSpan[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = {
        name: ss.scope?.name ?? "",
        version: ss.scope?.version ?? "",
        schemaUrl: ss.schemaUrl ?? "",
      };
      for (const s of ss.spans ?? []) {
        const parent = hex(s.parentSpanId);
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          ...(parent ? { parentSpanId: parent } : {}),
          ...(s.traceState ? { traceState: s.traceState } : {}),
          flags: s.flags ?? 0,
          name: s.name ?? "",
          kind: s.kind ?? 0,
          startNs: nanos(s.startTimeUnixNano),
          endNs: nanos(s.endTimeUnixNano),
          attributes: attributes(s.attributes),
          status: { code: s.status?.code ?? 0, ...(s.status?.message ? { message: s.status.message } : {}) },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** An ExportTraceServiceResponse, by the generated classes (partial success when spans are rejected). */
export function encodeExportResponse(rejectedSpans: number, errorMessage?: string): Uint8Array<ArrayBuffer> {
  return Response_.encode(
    rejectedSpans > 0 ? { partialSuccess: { rejectedSpans, ...(errorMessage ? { errorMessage } : {}) } } : {},
  ).finish();
}

export function startOtlpReceiver(): OtlpReceiver {
  let held: (() => void)[] = [];
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const w of [...waiters]) w();
  };
  const waitFor = (check: () => boolean, what: () => string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (check()) return resolve();
      const t = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(what()));
      }, timeoutMs);
      const w = () => {
        if (!check()) return;
        clearTimeout(t);
        waiters.delete(w);
        resolve();
      };
      waiters.add(w);
    });
  let server: Server<undefined>;
  const rx: OtlpReceiver = {
    url: "",
    spans: [],
    requests: [],
    behaviour: {},
    release() {
      const go = held;
      held = [];
      for (const g of go) g();
    },
    async waitForSpans(n, timeoutMs = 5000) {
      await waitFor(
        () => rx.spans.length >= n,
        () => `only ${rx.spans.length} of ${n} spans arrived`,
        timeoutMs,
      );
      return rx.spans.slice(0, n);
    },
    waitForRequests: (n, timeoutMs = 5000) =>
      waitFor(
        () => rx.requests.length >= n,
        () => `only ${rx.requests.length} of ${n} exports arrived`,
        timeoutMs,
      ),
    async stop() {
      rx.release();
      await server.stop(true);
    },
  };
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const body = new Uint8Array(await req.arrayBuffer());
      rx.requests.push({ path, headers: Object.fromEntries(req.headers), body });
      changed();
      const b = rx.behaviour;
      if (b.hang) await new Promise<void>((resolve) => held.push(resolve));
      if (req.method !== "POST" || path !== "/v1/traces") return new Response("not found", { status: 404 });
      if (req.headers.get("content-type") !== "application/x-protobuf")
        return new Response("unsupported media type", { status: 415 });
      if (b.status !== undefined) return new Response("failing on purpose", { status: b.status });
      const spans = decodeTraces(body);
      const accepted = b.rejectSpans ? spans.slice(b.rejectSpans) : spans;
      rx.spans.push(...accepted);
      changed();
      const answer = encodeExportResponse(b.rejectSpans ?? 0, "refused on purpose");
      return new Response(answer, { headers: { "content-type": "application/x-protobuf" } });
    },
  });
  rx.url = `http://127.0.0.1:${server.port}`;
  return rx;
}

/** The SLUICE_OTEL_* settings that point sluice at a receiver. */
export function otelEnv(rx: OtlpReceiver, more: Record<string, string> = {}): Record<string, string> {
  return { SLUICE_OTEL_ENDPOINT: rx.url, ...more };
}

/** The one span a request id produced. */
export function spanOf(rx: OtlpReceiver, requestId: string): ReceivedSpan {
  const span = rx.spans.find((s) => s.attributes["sluice.request_id"] === requestId);
  if (!span) throw new Error(`no span for request ${requestId}`);
  return span;
}
