// Lines still pending when the process ends are written by its exit handler: sluice ends a drain
// with process.exit, which does not wait for the sink's own write at the end of the turn. (An
// uncaught exception is no test here: Bun 1.4 still runs the queued immediates before it exits.)
// Runs in its own Bun process writing to a pipe, as sluice does under systemd.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";

const SINK = join(import.meta.dir, "../../src/log-sink.ts");

async function run(ending: string) {
  const script = `
    import { createLineSink } from ${JSON.stringify(SINK)};
    const sink = createLineSink(1);
    // Written inside an immediate, so the sink's own write would come in the next batch of
    // immediates, which an exit or a crash in this one never reaches.
    setImmediate(() => {
      for (let i = 0; i < 1000; i++) sink.write("line " + i);
      ${ending}
    });
  `;
  const proc = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const [out] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { out, code: proc.exitCode };
}

const all = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join("");

describe("log lines at the end of the process", () => {
  test("process.exit before the turn's write", async () => {
    const r = await run("process.exit(0);");
    expect(r.out).toBe(all);
    expect(r.code).toBe(0);
  });
});
