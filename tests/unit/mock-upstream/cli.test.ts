import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { parseMockArgs, runMockUpstream } from "../../../src/cli/mock-upstream.ts";

const CLI = resolve(import.meta.dir, "../../../src/cli/mock-upstream.ts");

describe("parseMockArgs", () => {
  test("reads every flag in both --flag value and --flag=value forms", () => {
    expect(
      parseMockArgs(["--port", "0", "--host=::1", "--latency-ms", "5", "--gap-ms=6", "--events", "7"]),
    ).toEqual({
      ok: true,
      help: false,
      options: { port: 0, hostname: "::1", latencyMs: 5, gapMs: 6, events: 7 },
    });
  });

  test("reports every bad flag at once", () => {
    const r = parseMockArgs(["--port", "99999", "--events", "0", "--bogus", "--gap-ms"]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(4);
  });
});

describe("sluice mock-upstream", () => {
  test("prints help and exits 0, and exits 2 on a bad flag", async () => {
    let out = "";
    let err = "";
    const io = {
      out: (t: string) => {
        out += t;
      },
      err: (t: string) => {
        err += t;
      },
    };
    expect(await runMockUpstream(["--help"], io)).toBe(0);
    expect(out).toContain("--gap-ms");
    expect(await runMockUpstream(["--nope"], io)).toBe(2);
    expect(err).toContain("unknown argument --nope");
  });

  test("prints one line with the URL and SLUICE_* settings, serves, and stops when aborted", async () => {
    const stop = new AbortController();
    let out = "";
    const running = runMockUpstream(["--port", "0"], {
      out: (t) => {
        out += t;
      },
      err: () => {},
      stop: stop.signal,
    });
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? "";
    expect(out.split("\n").filter(Boolean)).toHaveLength(1);
    for (const name of ["ANTHROPIC", "OPENAI", "GEMINI"])
      expect(out).toContain(`SLUICE_${name}_BASE_URL=${url}`);
    expect((await fetch(`${url}/v1/models`)).status).toBe(200);
    stop.abort();
    expect(await running).toBe(0);
    expect(
      await fetch(`${url}/v1/models`).then(
        () => "up",
        () => "down",
      ),
    ).toBe("down");
  });

  test("stops cleanly on SIGTERM in its own process", async () => {
    const script = `import { runMockUpstream } from ${JSON.stringify(CLI)}; process.exitCode = await runMockUpstream(["--port", "0"]);`;
    const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
    const reader = child.stdout.getReader();
    let out = "";
    while (!out.includes("\n")) {
      const { done, value } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? "";
    expect((await fetch(`${url}/v1/models`)).status).toBe(200);
    child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });
});
