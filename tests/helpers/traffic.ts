// Varied, deterministic-looking LLM traffic through sluice for the dashboard test: three APIs,
// several models, clients and Claude Code sessions, streams with gaps, and a few upstream errors.

export interface TrafficOptions {
  /** sluice's main URL. */
  url: string;
  /** Internal client keys to rotate through (SLUICE_API_KEYS values). */
  keys: string[];
  /** Stop after this many ms. */
  durationMs: number;
  /** Requests in flight at once. */
  concurrency?: number;
}

const SESSIONS = [
  "3f6c1e2a-6f4b-4a8e-9c1d-1b2e3f4a5b6c",
  "a91d7c55-0b2e-4c3f-8d9e-7f6a5b4c3d2e",
  "5e0b9f14-2c7d-4e6a-b1f8-9a8b7c6d5e4f",
];
const ANTHROPIC_MODELS = ["claude-sonnet-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"];

function request(i: number, url: string, key: string): [string, RequestInit] {
  const headers: Record<string, string> = {
    "x-api-key": key,
    "content-type": "application/json",
    "x-mock-gap-ms": String(10 + (i % 7) * 12),
    "x-mock-latency-ms": String(20 + ((i * 37) % 180)),
    "x-mock-events": String(4 + (i % 9)),
  };
  if (i % 13 === 5) headers["x-mock-status"] = i % 2 ? "500" : "429";
  const text = `request ${i}: please summarise the build log`;
  if (i % 6 === 4) {
    return [
      `${url}/v1/chat/completions`,
      {
        method: "POST",
        headers,
        body: JSON.stringify({
          model: "gpt-4.1-mini",
          stream: i % 2 === 0,
          messages: [{ role: "user", content: text }],
        }),
      },
    ];
  }
  if (i % 6 === 5) {
    return [
      `${url}/v1beta/models/gemini-2.5-flash:generateContent`,
      { method: "POST", headers, body: JSON.stringify({ contents: [{ role: "user", parts: [{ text }] }] }) },
    ];
  }
  headers["anthropic-version"] = "2023-06-01";
  headers["x-claude-code-session-id"] = SESSIONS[i % SESSIONS.length]!;
  if (i % 3 !== 0) headers["x-mock-cache"] = "read";
  return [
    `${url}/v1/messages`,
    {
      method: "POST",
      headers,
      body: JSON.stringify({
        model: ANTHROPIC_MODELS[i % ANTHROPIC_MODELS.length],
        max_tokens: 400,
        stream: i % 2 === 1,
        messages: [{ role: "user", content: text }],
      }),
    },
  ];
}

/** Sends traffic until the time is up; resolves with the number of requests sent. */
export async function sendTraffic(opts: TrafficOptions): Promise<number> {
  const until = Date.now() + opts.durationMs;
  let i = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const n = i++;
      const [target, init] = request(n, opts.url, opts.keys[n % opts.keys.length]!);
      try {
        await (await fetch(target, init)).arrayBuffer();
      } catch {
        // A dropped request is part of the picture, not a test failure.
      }
      // A slow swell and ebb, so the charts have a shape.
      await Bun.sleep(40 + Math.round(60 * (1 + Math.sin(n / 12))));
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
  return i;
}
