// What OpenTelemetry export costs per call, split where it is paid: on the request path (the
// observer's onStart, onRequest and onEnd: ids, traceparent, a few settings, the record) and in
// the background (building attributes, protobuf encoding, the POST), for spans with and without
// captured content. The collector runs in a child process so its CPU is not counted. No
// assertions: `bun bench/otel.bench.ts [spans]`.
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/log.ts";
import { newExchange } from "../src/proxy/exchange.ts";
import { createOtel } from "../src/telemetry/otel.ts";

if (process.argv[2] === "--sink") {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      await req.arrayBuffer();
      return new Response(new Uint8Array(0), { headers: { "content-type": "application/x-protobuf" } });
    },
  });
  process.stdout.write(`${server.port}\n`);
  await new Promise(() => {});
}

const SPANS = Number(process.argv[2] ?? 20_000);
const sink = Bun.spawn([process.execPath, import.meta.path, "--sink"], { stdout: "pipe" });
const port = await (async () => {
  const { value } = await sink.stdout.getReader().read();
  return Number(new TextDecoder().decode(value).trim());
})();

const body = new TextEncoder().encode(
  JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    temperature: 0.3,
    stream: true,
    system: "You are a coding agent. ".repeat(40),
    messages: [{ role: "user", content: "Explain this function. ".repeat(60) }],
  }),
);
const parsed = JSON.parse(new TextDecoder().decode(body));

/** What the relay and usage reader fill in before the end (the same for every variant). */
function finish(ex: ReturnType<typeof newExchange>, i: number): void {
  Object.assign(ex, {
    status: 200,
    requestModel: "claude-sonnet-4-5",
    model: "claude-sonnet-4-5",
    stream: true,
    responseId: `msg_${i}`,
    stopReason: "end_turn",
    usage: {
      inputTokens: 12,
      outputTokens: 187,
      cacheWriteTokens: 2048,
      cacheReadTokens: 8192,
      reasoningTokens: 0,
    },
    costUsd: 0.0123,
    ttfbMs: 120,
    durationMs: 900,
    sessionId: "cc-session-1",
  });
}

const answer = { type: "message", content: [{ type: "text", text: "Here is what it does. ".repeat(20) }] };
const cpuUs = (c: NodeJS.CpuUsage) => c.user + c.system;

/** CPU of N exchanges' life without any observer: subtracted from the runs below. */
function baseline(): number {
  const c = process.cpuUsage();
  for (let i = 0; i < SPANS; i++) {
    const ex = newExchange("POST", "/v1/messages", "anthropic", "anthropic");
    ex.traceparent = i % 2 === 0 ? "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" : undefined;
    finish(ex, i);
  }
  return cpuUs(process.cpuUsage(c));
}

async function run(capture: boolean) {
  const loaded = loadConfig({
    env: {
      SLUICE_OTEL_ENDPOINT: `http://127.0.0.1:${port}`,
      SLUICE_OTEL_CAPTURE_CONTENT: capture ? "on" : "off",
    },
    defaultFiles: [],
  });
  if (!loaded.ok) throw new Error(loaded.errors.join("; "));
  const otel = createOtel(loaded.config, silentLogger, {
    maxQueued: SPANS,
    maxQueuedBytes: 2 ** 31,
    lingerMs: 60_000,
  });
  const o = otel.observer!;
  const base = baseline();
  const c = process.cpuUsage();
  for (let i = 0; i < SPANS; i++) {
    const ex = newExchange("POST", "/v1/messages", "anthropic", "anthropic");
    ex.traceparent = i % 2 === 0 ? "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" : undefined;
    o.onStart?.(ex);
    o.onRequest?.(ex, body, () => parsed);
    const consumer = o.onResponse?.(ex);
    finish(ex, i);
    consumer?.json?.(answer);
    o.onEnd?.(ex);
  }
  const path = cpuUs(process.cpuUsage(c)) - base;
  const c2 = process.cpuUsage();
  await otel.flush(120_000);
  const background = cpuUs(process.cpuUsage(c2));
  const stats = otel.stats();
  return { pathUs: path / SPANS, backgroundUs: background / SPANS, sent: stats.sent, dropped: stats.dropped };
}

const lines: string[] = [];
for (const capture of [false, true]) {
  await run(capture); // warm-up
  const r = await run(capture);
  lines.push(
    `${capture ? "content captured" : "no content      "}: request path ${r.pathUs.toFixed(2)} µs CPU/call ` +
      `(the observer's hooks), background ${r.backgroundUs.toFixed(2)} µs CPU/span ` +
      `(attributes, content, protobuf, POST); ${r.sent} of ${SPANS} exported, ${r.dropped} dropped`,
  );
}
sink.kill();
process.stdout.write(`${lines.join("\n")}\n`);
