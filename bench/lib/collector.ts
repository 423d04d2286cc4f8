// A local telemetry collector for the telemetry row: Langfuse's ingestion API (207 with no
// per-event errors) and OTLP/HTTP traces (an empty ExportTraceServiceResponse, JSON or
// protobuf), answered at once. It counts what arrives so RESULTS.md can show the exports
// happened. Promises: loopback only; stop() closes it.
import { freePort } from "./procs.ts";

export interface Collector {
  url: string;
  received(): { langfuse: number; otlp: number; bytes: number };
  stop(): void;
}

export function startCollector(): Collector {
  let langfuse = 0;
  let otlp = 0;
  let bytes = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: freePort(),
    async fetch(req) {
      const path = new URL(req.url).pathname;
      bytes += (await req.arrayBuffer()).byteLength;
      if (path === "/api/public/ingestion") {
        langfuse++;
        return Response.json({ successes: [], errors: [] }, { status: 207 });
      }
      if (path.startsWith("/v1/")) {
        otlp++;
        const protobuf = req.headers.get("content-type")?.includes("protobuf") === true;
        return protobuf
          ? new Response(new Uint8Array(0), { headers: { "content-type": "application/x-protobuf" } })
          : Response.json({});
      }
      return new Response("not found", { status: 404 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    received: () => ({ langfuse, otlp, bytes }),
    stop: () => server.stop(true),
  };
}
