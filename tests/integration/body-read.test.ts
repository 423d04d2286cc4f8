// Request bodies with a length are read whole natively up to 64 KiB and chunk by chunk above;
// both paths forward the exact bytes, and both answer a body that stops coming with 408 and
// forward nothing. Waits on the server's answer, never on a clock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { startSluice, type TestSluice } from "../helpers/sluice.ts";
import { startUpstream, type TestUpstream } from "../helpers/upstream.ts";

let upstream: TestUpstream;
let sluice: TestSluice;
beforeAll(async () => {
  upstream = startUpstream(() => Response.json({ type: "message", content: [] }));
  sluice = await startSluice({ SLUICE_ANTHROPIC_BASE_URL: upstream.url, SLUICE_CLIENT_TIMEOUT: "1" });
});
afterAll(async () => {
  await sluice.stop();
  await upstream.stop();
});

const body = (bytes: number) => {
  const head = '{"model":"claude-x","max_tokens":1,"messages":[{"role":"user","content":"';
  return `${head}${"é".repeat(Math.ceil((bytes - head.length - 4) / 2))}"}]}`;
};

/** Sends the head and `sent` of a body declared as `declared` bytes, then waits for the answer. */
function partial(declared: number, sent: string): Promise<string> {
  const port = Number(new URL(sluice.url).port);
  return new Promise((resolve) => {
    let answer = "";
    const s = connect({ host: "127.0.0.1", port }, () => {
      s.write(
        `POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`,
      );
      s.write(sent);
    });
    s.on("data", (d) => {
      answer += d.toString();
    });
    s.on("close", () => resolve(answer));
    s.on("error", () => {});
  });
}

describe("request bodies with a length", () => {
  for (const [size, path] of [
    [2_000, "read whole"],
    [200_000, "read chunk by chunk"],
  ] as const) {
    test(`${size} bytes (${path}) reach upstream byte for byte`, async () => {
      const json = body(size);
      const seen = upstream.seen.length;
      const r = await fetch(`${sluice.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: json,
      });
      expect(r.status).toBe(200);
      expect(upstream.seen[seen]?.body).toBe(json);
    });

    test(`${size} bytes (${path}) that stop halfway get 408, and nothing is forwarded`, async () => {
      const json = body(size);
      const seen = upstream.seen.length;
      const bytes = Buffer.byteLength(json);
      const answer = await partial(bytes, json.slice(0, json.length / 2));
      expect(answer).toStartWith("HTTP/1.1 408");
      expect(upstream.seen.length).toBe(seen);
    });
  }
});
