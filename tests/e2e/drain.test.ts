// SIGTERM: stop accepting, let in-flight streams finish within the deadline, exit 0.
import { describe, expect, test } from "bun:test";
import { requireBinary, startMockBinary, startSluiceBinary } from "./helpers.ts";

describe("graceful shutdown", () => {
  test("an in-flight stream finishes after SIGTERM; new connections are refused; exit 0", async () => {
    requireBinary();
    const mock = await startMockBinary();
    const sluice = await startSluiceBinary({
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_SHUTDOWN_TIMEOUT: "10",
    });
    try {
      const res = await sluice.fetch("/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json", "x-mock-gap-ms": "100", "x-mock-events": "15" },
        body: JSON.stringify({
          model: "claude-haiku-4-5",
          max_tokens: 100,
          stream: true,
          messages: [{ role: "user", content: "long answer" }],
        }),
      });
      const reader = res.body!.getReader();
      await reader.read();
      sluice.proc.proc.kill("SIGTERM");
      await sluice.proc.waitForOutput(/draining/);
      await expect(sluice.fetch("/health")).rejects.toThrow();
      let text = "";
      const dec = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += dec.decode(value);
      }
      expect(text).toContain("message_stop");
      expect(await sluice.proc.proc.exited).toBe(0);
      // The stream's request line, written during the drain, made it out before the exit.
      const id = res.headers.get("x-sluice-request-id");
      const lines = sluice.proc.output().split("\n");
      const line = lines.findIndex((l) => l.includes(`"id":"${id}"`));
      expect(lines[line]).toContain('"outcome":"ok"');
      expect(line).toBeLessThan(lines.findIndex((l) => l.includes('"msg":"stopped"')));
    } finally {
      await sluice.proc.stop("SIGKILL");
      await mock.proc.stop();
    }
  }, 30_000);

  test("the drain deadline is kept when a stream would run longer", async () => {
    requireBinary();
    const mock = await startMockBinary();
    const sluice = await startSluiceBinary({
      SLUICE_ANTHROPIC_BASE_URL: mock.url,
      SLUICE_SHUTDOWN_TIMEOUT: "1",
    });
    try {
      const res = await sluice.fetch("/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json", "x-mock-gap-ms": "1000", "x-mock-events": "60" },
        body: JSON.stringify({
          model: "m",
          max_tokens: 10,
          stream: true,
          messages: [{ role: "user", content: "x" }],
        }),
      });
      await res.body!.getReader().read();
      const t0 = Date.now();
      sluice.proc.proc.kill("SIGTERM");
      expect(await sluice.proc.proc.exited).toBe(0);
      expect(Date.now() - t0).toBeLessThan(8000);
      expect(sluice.proc.output()).toContain("still in flight");
      // The stream cut at the deadline is logged too, by the exit itself.
      const id = res.headers.get("x-sluice-request-id");
      expect(sluice.proc.output()).toContain(`"id":"${id}"`);
    } finally {
      await sluice.proc.stop("SIGKILL");
      await mock.proc.stop();
    }
  }, 30_000);
});
