// SIGHUP re-reads the config file: keys, routes and prices change without dropping a
// connection; a bad file is refused and the running configuration stays. Each of the three is
// checked before and after the reload.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary, startMockBinary, startSluiceBinary, tempDir } from "./helpers.ts";

const MSG = JSON.stringify({
  model: "claude-haiku-4-5",
  max_tokens: 20,
  messages: [{ role: "user", content: "hi" }],
});

/** The config before and after the reload: other keys, one more route, a haiku price 100x. */
const before = (mock: string) =>
  `api_keys = "ci=key-one"\nanthropic_base_url = "${mock}"\n\n[pricing."claude-haiku-4-5"]\ninput = 1\noutput = 5\n`;
const after = (mock: string) =>
  `api_keys = "ci=key-two"\nanthropic_base_url = "${mock}"\n\n[pricing."claude-haiku-4-5"]\ninput = 100\noutput = 500\n\n` +
  `[providers.local]\npreset = "vllm"\nbase_url = "${mock}/v1"\n\n[[routes]]\nmatch = "local-coder"\nprovider = "local"\n`;

describe("SIGHUP reload", () => {
  test("new keys, routes and prices apply at once, an open stream survives, a bad file is refused", async () => {
    requireBinary();
    const mock = await startMockBinary();
    const file = join(tempDir("reload"), "sluice.toml");
    writeFileSync(file, before(mock.url));
    const sluice = await startSluiceBinary({ SLUICE_CONFIG: file }, { admin: true });
    /** Cost of the newest request on /metrics, and what its usage was. */
    const newest = async () => {
      const m = (await (await fetch(`${sluice.adminUrl}/metrics?recent=1`)).json()) as {
        recent: { costUsd?: number; usage?: { inputTokens: number; outputTokens: number } }[];
      };
      return m.recent[0]!;
    };
    const routed = (key: string) =>
      sluice.fetch("/v1/messages", {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: MSG.replace("claude-haiku-4-5", "local-coder"),
      });
    try {
      const ask = (key: string, extra: Record<string, string> = {}) =>
        sluice.fetch("/v1/messages", {
          method: "POST",
          headers: { "x-api-key": key, "content-type": "application/json", ...extra },
          body: MSG.replace(
            '"max_tokens":20',
            extra["x-stream"] ? '"max_tokens":20,"stream":true' : '"max_tokens":20',
          ),
        });
      const first = await ask("key-one");
      expect(first.status).toBe(200);
      await first.text();
      const cheap = await newest();
      // input 1 and output 5 dollars per million tokens.
      const { inputTokens, outputTokens } = cheap.usage!;
      expect(cheap.costUsd).toBeCloseTo((inputTokens * 1 + outputTokens * 5) / 1e6, 12);
      expect((await ask("key-two")).status).toBe(401);
      const unrouted = await routed("key-one");
      expect(unrouted.headers.get("x-sluice-provider")).toBeNull();
      await unrouted.text();

      const open = await ask("key-one", { "x-stream": "1", "x-mock-gap-ms": "100", "x-mock-events": "10" });
      const reader = open.body!.getReader();
      await reader.read();

      writeFileSync(file, after(mock.url));
      sluice.proc.proc.kill("SIGHUP");
      await sluice.proc.waitForOutput(/configuration reloaded/);
      const second = await ask("key-two");
      expect(second.status).toBe(200);
      await second.text();
      const dear = await newest();
      expect(dear.usage).toEqual(cheap.usage);
      expect(dear.costUsd).toBeCloseTo((inputTokens * 100 + outputTokens * 500) / 1e6, 12);
      expect((await ask("key-one")).status).toBe(401);
      const nowRouted = await routed("key-two");
      expect(nowRouted.status).toBe(200);
      expect(nowRouted.headers.get("x-sluice-provider")).toBe("local");
      await nowRouted.text();

      let rest = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rest += new TextDecoder().decode(value);
      }
      expect(rest).toContain("message_stop");

      writeFileSync(file, `api_keys = "ci=key-three"\nretry_max = "lots"\n`);
      sluice.proc.proc.kill("SIGHUP");
      await sluice.proc.waitForOutput(/reload refused/);
      expect(sluice.proc.output()).toContain("retry_max");
      expect((await ask("key-two")).status).toBe(200);
    } finally {
      await sluice.proc.stop();
      await mock.proc.stop();
    }
  }, 30_000);
});
