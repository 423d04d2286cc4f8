// Mutation testing (make mutate; not part of CI, too slow for 2 cores). StrykerJS changes one
// thing in a pure module at a time and runs that module's tests through `bun test` (the command
// runner); a mutant the tests survive is a behaviour nothing checks. MUTATE_MODULE picks one
// module of the table below, so each run stays small and its incremental file its own.
// docs/TESTING.md records the scores and what the survivors taught.
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const bun = resolve(".tools/node_modules/.bin/bun");

// module -> the source it mutates and the tests that guard it (unit tests first; integration
// tests only where the module has no unit tests of its own, since they cost seconds a mutant).
export const modules = {
  routing: {
    mutate: ["src/routing/**/*.ts"],
    tests: ["tests/unit/routing", "tests/integration/translation.test.ts"],
  },
  translate: { mutate: ["src/translate/**/*.ts", "!src/translate/*-types.ts"], tests: ["tests/unit/translate"] },
  scrub: { mutate: ["src/scrub/**/*.ts"], tests: ["tests/unit/scrub"] },
  pricing: { mutate: ["src/metrics/pricing.ts"], tests: ["tests/unit/metrics"] },
  usage: { mutate: ["src/metrics/usage.ts", "src/metrics/usage-read.ts"], tests: ["tests/unit/metrics"] },
  headers: { mutate: ["src/proxy/headers.ts"], tests: ["tests/unit/proxy/headers.test.ts"] },
  retry: { mutate: ["src/proxy/retry.ts"], tests: ["tests/unit/proxy/retry.test.ts"] },
  cli: { mutate: ["src/cli/args.ts"], tests: ["tests/unit/cli"] },
};

const name = process.env.MUTATE_MODULE ?? "retry";
const module = modules[name];
if (!module) throw new Error(`MUTATE_MODULE=${name}: not one of ${Object.keys(modules).join(", ")}`);

export default {
  testRunner: "command",
  // A test folder another issue has not written yet is left out rather than failing the run.
  commandRunner: { command: `${bun} test --timeout 30000 ${module.tests.filter((t) => existsSync(t)).join(" ")}` },
  coverageAnalysis: "off",
  mutate: module.mutate,
  // The sandbox is a copy of the project: leave out the toolchain, builds and outputs.
  ignorePatterns: [".tools", "dist", "tests/output", "bench/output", "bench/.deps", "reports", "*.log"],
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 20000,
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  thresholds: { high: 90, low: 75, break: null },
};
