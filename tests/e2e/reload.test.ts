// SIGHUP re-reads the config file: keys, routes and prices change without dropping a
// connection; a bad file is refused and the running configuration stays.
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary, startMockBinary, startSluiceBinary, tempDir } from "./helpers.ts";

const MSG = JSON.stringify({
  model: "claude-haiku-4-5",
  max_tokens: 20,
  messages: [{ role: "user", content: "hi" }],
});

describe("SIGHUP reload", () => {
  test("new keys apply at once, an open stream survives, a bad file is refused", async () => {
    requireBinary();
    const mock = await startMockBinary();
    const file = join(tempDir("reload"), "sluice.toml");
    writeFileSync(file, `api_keys = "ci=key-one"\nanthropic_base_url = "${mock.url}"\n`);
    const sluice = await startSluiceBinary({ SLUICE_CONFIG: file });
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
      expect((await ask("key-one")).status).toBe(200);
      expect((await ask("key-two")).status).toBe(401);

      const open = await ask("key-one", { "x-stream": "1", "x-mock-gap-ms": "100", "x-mock-events": "10" });
      const reader = open.body!.getReader();
      await reader.read();

      writeFileSync(file, `api_keys = "ci=key-two"\nanthropic_base_url = "${mock.url}"\n`);
      sluice.proc.proc.kill("SIGHUP");
      await sluice.proc.waitForOutput(/configuration reloaded/);
      expect((await ask("key-two")).status).toBe(200);
      expect((await ask("key-one")).status).toBe(401);

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
