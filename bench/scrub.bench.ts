// Cost of secret scrubbing and restore, printed next to a JSON.parse + JSON.stringify baseline of
// the same input. A plain script, no assertions: `bun bench/scrub.bench.ts`.
// Targets: a realistic 200 KB agent request adds well under 2 ms; every adversarial 1 MB input
// scrubs in under 20 ms, and 4x the input costs about 4x the time (linear).

import { createScrubber, type Scrubber } from "../src/scrub/scrub.ts";
import { ADVERSARIAL } from "../tests/fixtures/scrub/adversarial.ts";
import { agentRequest } from "../tests/fixtures/scrub/agent-request.ts";
import { ALNUM, fake, j } from "../tests/fixtures/scrub/fake.ts";

const KEY = new Uint8Array(32).fill(42);
let sink = 0;

/** Median milliseconds of `run` over `rounds`, after `warm` unmeasured runs. */
function ms(run: () => unknown, rounds = 50, warm = 10): number {
  for (let i = 0; i < warm; i++) run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = Bun.nanoseconds();
    const out = run();
    times.push((Bun.nanoseconds() - start) / 1e6);
    if (out !== undefined) sink++;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const pad = (s: string, n: number) => s.padEnd(n);
const f = (n: number) => n.toFixed(3).padStart(8);

function requestRow(label: string, body: string, scrubber: Scrubber): void {
  const baseline = ms(() => JSON.stringify(JSON.parse(body)));
  const scrub = ms(() => scrubber.scrubBody(body));
  const result = scrubber.scrubBody(body);
  const changed = "changed" in result && result.changed ? "changed" : "unchanged";
  console.log(
    `${pad(label, 44)} ${(body.length / 1024).toFixed(0).padStart(5)} KB  scrub ${f(scrub)} ms  parse+stringify ${f(baseline)} ms  ratio ${(scrub / baseline).toFixed(2)}  (${changed})`,
  );
}

const secrets = [
  j("gh", "p_", fake(ALNUM, 36, 1)),
  j("sk-ant", "-api03-", fake(ALNUM, 93, 2), "AA"),
  j("AK", "IA", fake("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 3)),
  "postgres://app:s3cr3tP4ss@db.internal:5432/app",
  j("xo", "xb-", fake("0123456789", 12, 4), "-", fake(ALNUM, 24, 5)),
];

console.log("== realistic agent requests ==");
const redact = createScrubber({ mode: "redact", hmacKey: KEY });
const pseudo = createScrubber({ mode: "pseudonymize", hmacKey: KEY });
const secret200 = agentRequest(200 * 1024, { secrets });
requestRow("200 KB, nothing to scrub", agentRequest(200 * 1024, { gitLog: false }), pseudo);
requestRow("200 KB, git log e-mails, pseudonymize", agentRequest(200 * 1024), pseudo);
requestRow("200 KB, e-mails + 5 secrets, pseudonymize", secret200, pseudo);
requestRow("200 KB, e-mails + 5 secrets, redact", secret200, redact);
requestRow("1 MB, e-mails + 5 secrets, pseudonymize", agentRequest(1024 * 1024, { secrets }), pseudo);

console.log("\n== restore ==");
const scrubbed = pseudo.scrubBody(secret200);
const scrubbedText = "text" in scrubbed ? scrubbed.text : "";
const restoreMs = ms(() => pseudo.restoreJsonBody(scrubbedText));
const baseline = ms(() => JSON.stringify(JSON.parse(scrubbedText)));
console.log(
  `restoreJsonBody 200 KB with 5 pseudonyms   ${f(restoreMs)} ms  parse+stringify ${f(baseline)} ms`,
);

const ph = pseudo.scrubText(secrets[0]!).text;
const deltas = Array.from({ length: 2000 }, (_, i) =>
  i % 100 === 50 ? `use ${ph} now ` : `word${i} and some more text `,
).map((text, index) => ({
  type: "content_block_delta",
  index: 0,
  delta: { type: "text_delta", text },
  n: index,
}));
const sse = new TextEncoder().encode(
  deltas.map((d) => `event: content_block_delta\ndata: ${JSON.stringify(d)}\n\n`).join(""),
);
async function pipeSse(transform: TransformStream<Uint8Array, Uint8Array>): Promise<number> {
  const body = new Response(sse).body!.pipeThrough(transform);
  return (await new Response(body).arrayBuffer()).byteLength;
}
for (let i = 0; i < 5; i++) await pipeSse(pseudo.sseRestoreTransform("anthropic"));
let start = Bun.nanoseconds();
for (let i = 0; i < 20; i++) sink += await pipeSse(pseudo.sseRestoreTransform("anthropic"));
const restoreSse = (Bun.nanoseconds() - start) / 20 / 1e6;
start = Bun.nanoseconds();
for (let i = 0; i < 20; i++) sink += await pipeSse(new TransformStream());
const passSse = (Bun.nanoseconds() - start) / 20 / 1e6;
console.log(
  `SSE restore, 2000 deltas (${(sse.length / 1024).toFixed(0)} KB)    ${f(restoreSse)} ms  pass-through ${f(passSse)} ms  (${((restoreSse * 1000) / 2000).toFixed(2)} us per event)`,
);

console.log("\n== adversarial inputs (redact | pseudonymize), 256 KB -> 1 MB ==");
const rows: string[] = [];
let worst = 0;
let worstFactor = 0;
for (const a of ADVERSARIAL) {
  const small = a.make(256 * 1024);
  const big = a.make(1024 * 1024);
  const base = ms(() => JSON.stringify(JSON.parse(JSON.stringify(big))), 3, 1);
  const r1 = ms(() => redact.scrubText(small), 3, 1);
  const r4 = ms(() => redact.scrubText(big), 3, 1);
  const p4 = ms(() => pseudo.scrubText(big), 3, 1);
  worst = Math.max(worst, r4, p4);
  // Best of three at each size; the constant keeps timer noise on tiny inputs from counting.
  worstFactor = Math.max(worstFactor, r4 / (r1 + 0.5));
  rows.push(
    `${pad(`${a.detector}/${a.name}`, 46)} 1 MB ${f(r4)} | ${f(p4)} ms  x${(r4 / Math.max(r1, 1e-3)).toFixed(1)} vs 256 KB  baseline ${f(base)} ms${Math.max(r4, p4) > 20 ? "  OVER 20 ms" : ""}`,
  );
}
for (const row of rows) console.log(row);
console.log(`worst adversarial 1 MB: ${worst.toFixed(2)} ms (target < 20 ms)`);
console.log(`worst 1 MB / 256 KB time factor: ${worstFactor.toFixed(1)} (linear: about 4, target < 8)`);
if (sink === 0) console.log("(sink)");
