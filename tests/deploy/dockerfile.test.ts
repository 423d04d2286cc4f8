// A lint of the Dockerfile, since no Docker engine runs here (the image is not built in tests):
// two stages on the Makefile's Bun version and a glibc runtime, a non-root user, a HEALTHCHECK
// that runs a file the image really contains, build flags equal to the release's, and every
// COPY source let through by .dockerignore.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.ts";

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** Instructions with continuation lines joined and comments dropped, tagged by stage. */
function parse(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    pending += `${line.replace(/\\$/, "")} `;
    if (line.endsWith("\\")) continue;
    const [op = "", ...rest] = pending.trim().split(/\s+/);
    pending = "";
    if (op.toUpperCase() === "FROM") stage++;
    out.push({ op: op.toUpperCase(), args: rest.join(" "), stage });
  }
  return out;
}

/** Docker's rule: the last pattern matching the path or one of its parents decides. */
function ignored(path: string, patterns: string[]): boolean {
  const parts = path.split("/");
  let excluded = false;
  for (const p of patterns) {
    const negated = p.startsWith("!");
    const glob = new Bun.Glob(negated ? p.slice(1) : p);
    const hit = parts.some((_, i) => glob.match(parts.slice(0, i + 1).join("/")));
    if (hit) excluded = !negated;
  }
  return excluded;
}

const docker = parse(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const patterns = readFileSync(join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const last = Math.max(...docker.map((i) => i.stage));
const final = docker.filter((i) => i.stage === last);

describe("Dockerfile", () => {
  test("builds on the Makefile's Bun and ships on a glibc base", () => {
    const bun = /^BUN_VERSION\s*:=\s*(\S+)/m.exec(readFileSync(join(ROOT, "Makefile"), "utf8"))?.[1];
    const froms = docker.filter((i) => i.op === "FROM").map((i) => i.args);
    expect(froms[0]).toBe(`oven/bun:${bun} AS build`);
    expect(froms.at(-1)).toMatch(/^debian:bookworm-slim/);
  });

  test("runs as a non-root user with a health check on a file the image contains", () => {
    const user = final.filter((i) => i.op === "USER").at(-1)?.args ?? "root";
    expect(user.split(":")[0]).not.toMatch(/^(0|root)$/);
    const health = final.find((i) => i.op === "HEALTHCHECK")?.args ?? "";
    const cmd = JSON.parse(health.slice(health.indexOf("CMD ") + 4)) as string[];
    expect(cmd).toContain("BUN_BE_BUN=1");
    const script = cmd.at(-1)!;
    const copied = final.filter((i) => i.op === "COPY").map((i) => i.args.split(" "));
    expect(copied.some((c) => c.at(-1) === script && existsSync(join(ROOT, c[0]!)))).toBe(true);
    expect(final.find((i) => i.op === "ENTRYPOINT")?.args).toBe('["/usr/local/bin/sluice"]');
  });

  test("compiles with the same no-autoload flags as scripts/release.sh", () => {
    const release = readFileSync(join(ROOT, "scripts/release.sh"), "utf8");
    const build = docker.find((i) => i.op === "RUN" && i.args.includes("bun build"))?.args ?? "";
    for (const flag of [
      "--compile",
      "--minify",
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
    ]) {
      expect(build).toContain(flag);
      expect(release).toContain(flag);
    }
  });

  test("compiles the scrub and ledger workers as entry points of their own, like make build and release.sh", () => {
    const release = readFileSync(join(ROOT, "scripts/release.sh"), "utf8");
    const make = readFileSync(join(ROOT, "Makefile"), "utf8");
    const build = docker.find((i) => i.op === "RUN" && i.args.includes("bun build"))?.args ?? "";
    for (const text of [build, release, make])
      expect(text).toContain("src/index.ts src/scrub/scrub-worker.ts src/ledger/sqlite-worker.ts");
  });

  test("every file it copies from the context passes .dockerignore, and nothing else is sent", () => {
    const sources = docker
      .filter((i) => i.op === "COPY" && !i.args.startsWith("--from"))
      .flatMap((i) => i.args.split(" ").slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const s of sources) {
      expect(existsSync(join(ROOT, s))).toBe(true);
      expect(ignored(s, patterns)).toBe(false);
    }
    expect(ignored("src/index.ts", patterns)).toBe(false);
    for (const secret of [
      "node_modules/elysia/package.json",
      ".git/HEAD",
      "certs/server.key",
      "dist/sluice",
    ]) {
      expect(ignored(secret, patterns)).toBe(true);
    }
  });
});
