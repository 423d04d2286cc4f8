// Mutation testing (make mutate; not part of CI, too slow for 2 cores). StrykerJS changes one
// thing in a pure module at a time and runs that module's tests through `bun test` (the command
// runner); a mutant the tests survive is a behaviour nothing checks. MUTATE_MODULE picks one
// module of the table below, so each run stays small and its incremental file its own.
// docs/TESTING.md records the scores and what the survivors taught.
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const bun = resolve(".tools/node_modules/.bin/bun");

// module -> the source it mutates and the tests that guard it. Each run's cost is (mutants) x
// (one `bun test` of those tests), so a module names only the test files that exercise it: the
// slow ones (the tokenizer's 3 s load, the scrub property tests) only where they are the guard.
// Integration tests only where a module has no unit tests of its own.
const T = "tests/unit/translate/";
const S = "tests/unit/scrub/";
export const modules = {
  routing: {
    mutate: ["src/routing/**/*.ts"],
    tests: ["tests/unit/routing", "tests/integration/translation.test.ts", "tests/integration/models-list.test.ts"],
  },
  "translate-request": {
    mutate: ["src/translate/request.ts", "src/translate/request-messages.ts", "src/translate/anthropic-types.ts"],
    tests: [`${T}request-golden.test.ts`, `${T}request-blocks.test.ts`, `${T}reasoning-mapping.test.ts`, `${T}validate-request.test.ts`, `${T}validate-no-echo.test.ts`, `${T}presets.test.ts`],
  },
  "translate-response": {
    mutate: ["src/translate/response.ts", "src/translate/errors.ts", "src/translate/json-complete.ts"],
    tests: [`${T}response-golden.test.ts`, `${T}errors.test.ts`, `${T}json-complete.test.ts`],
  },
  "translate-stream": {
    mutate: ["src/translate/streaming.ts", "src/translate/think-tags.ts"],
    tests: [`${T}stream-golden.test.ts`, `${T}stream-order.test.ts`, `${T}stream-think-tags.test.ts`, `${T}stream-tool-fragments.test.ts`, `${T}think-tags.test.ts`, `${T}sdk-accepts-stream.test.ts`],
  },
  "translate-estimate": { mutate: ["src/translate/estimate.ts"], tests: [`${T}estimate.test.ts`] },
  "scrub-core": {
    mutate: ["src/scrub/scrub.ts", "src/scrub/scan.ts", "src/scrub/engine.ts", "src/scrub/json-walk.ts", "src/scrub/placeholder.ts", "src/scrub/payload.ts", "src/scrub/sniff.ts", "src/scrub/multipart.ts"],
    tests: [`${S}detectors.test.ts`, `${S}scrub-json.test.ts`, `${S}pseudonyms.test.ts`, `${S}agent-request.test.ts`, `${S}payload.test.ts`, `${S}restored-values.test.ts`, `${S}scrub-properties.test.ts`],
  },
  "scrub-detectors": { mutate: ["src/scrub/detectors.ts"], tests: [`${S}detectors.test.ts`, `${S}linear-time.test.ts`] },
  "scrub-restore": {
    mutate: ["src/scrub/restore.ts", "src/scrub/sse-*.ts", "src/scrub/json-array-restore.ts"],
    tests: [`${S}sse-restore-anthropic.test.ts`, `${S}sse-restore-gemini.test.ts`, `${S}sse-restore-openai.test.ts`, `${S}sse-restore-passthrough.test.ts`, `${S}stream-restorer.test.ts`, `${S}stream-restorer-complete.test.ts`, `${S}whole-json-restore.test.ts`, `${S}json-array-restore.test.ts`],
  },
  pricing: { mutate: ["src/metrics/pricing.ts"], tests: ["tests/unit/metrics"] },
  usage: { mutate: ["src/metrics/usage.ts", "src/metrics/usage-read.ts"], tests: ["tests/unit/metrics"] },
  headers: {
    mutate: ["src/proxy/headers.ts"],
    tests: ["tests/unit/proxy/headers.test.ts", "tests/unit/proxy/header-rules.test.ts"],
  },
  retry: { mutate: ["src/proxy/retry.ts"], tests: ["tests/unit/proxy/retry.test.ts", "tests/unit/proxy/retry-bounds.test.ts"] },
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
  // On top of 1.5x the unmutated run: an endless loop a mutant made costs this, not minutes.
  timeoutMS: 5000,
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  thresholds: { high: 90, low: 75, break: null },
};
