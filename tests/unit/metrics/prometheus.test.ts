import { describe, expect, test } from "bun:test";
import { escapeLabel } from "../../../src/metrics/prometheus.ts";
import { createRecorder } from "../../../src/metrics/recorder.ts";
import { record } from "./records.ts";

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL_VALUE = String.raw`"(?:[^"\\\n]|\\[\\"n])*"`;
const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE})(?:,[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE})*\\}`;
const VALUE = String.raw`(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]Inf|NaN)`;
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? (${VALUE})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .+$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

interface Parsed {
  types: Map<string, string>;
  samples: Array<{ name: string; labels: string; value: number }>;
}

/** A tiny text-format 0.0.4 checker: every line well formed, every sample under a declared family. */
function validate(text: string): Parsed {
  expect(text.endsWith("\n")).toBe(true);
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Parsed["samples"] = [];
  for (const line of text.slice(0, -1).split("\n")) {
    const help = HELP.exec(line);
    if (help) {
      expect(helps.has(help[1]!)).toBe(false);
      helps.add(help[1]!);
      continue;
    }
    const type = TYPE.exec(line);
    if (type) {
      expect(types.has(type[1]!)).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a valid exposition line: ${JSON.stringify(line)}`);
    const name = sample[1]!;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
    const kind = types.get(family);
    if (!kind) throw new Error(`sample before its TYPE line: ${line}`);
    if (family !== name) expect(kind).toBe("histogram");
    if (kind === "counter") expect(name.endsWith("_total")).toBe(true);
    expect(helps.has(family)).toBe(true);
    const value = sample[3] === "+Inf" ? Number.POSITIVE_INFINITY : Number(sample[3]);
    samples.push({ name, labels: sample[2] ?? "", value });
  }
  return { types, samples };
}

function populated() {
  const m = createRecorder({ now: () => 1_763_712_000_000 });
  m.begin();
  m.begin();
  m.end(
    record({
      upstream: "anthropic",
      model: "claude-sonnet-4-5",
      client: "alice",
      sessionId: "secret-session-123",
      status: 200,
      durationMs: 1200,
      ttfbMs: 300,
      bytesIn: 10,
      bytesOut: 20,
      retries: 1,
      scrubHits: 2,
      usage: {
        inputTokens: 12,
        outputTokens: 187,
        cacheWriteTokens: 2048,
        cacheReadTokens: 8192,
        reasoningTokens: 5,
      },
      costUsd: 0.0129786,
    }),
  );
  m.end(
    record({ upstream: "openai", model: 'we"ird\\mo\ndel', status: 529, outcome: "error", durationMs: 40 }),
  );
  m.end(record({ upstream: "openai", model: "gpt-4o", status: 200, durationMs: 700_000 }));
  return m;
}

describe("Prometheus exposition", () => {
  test("every line parses as text format 0.0.4", () => {
    const { types, samples } = validate(populated().prometheus());
    expect(types.get("sluice_in_flight_requests")).toBe("gauge");
    expect(types.get("sluice_uptime_seconds")).toBe("gauge");
    expect(types.get("sluice_request_duration_seconds")).toBe("histogram");
    expect(samples.length).toBeGreaterThan(40);
    for (const name of types.keys()) expect(name.startsWith("sluice_")).toBe(true);
  });

  test("an empty recorder is valid too", () => {
    validate(createRecorder().prometheus());
  });

  test("counts by upstream and status code, tokens by model and kind, cost, in-flight", () => {
    const text = populated().prometheus();
    expect(text).toContain('sluice_requests_total{upstream="anthropic",code="200"} 1\n');
    expect(text).toContain('sluice_requests_total{upstream="openai",code="529"} 1\n');
    expect(text).toContain('sluice_request_errors_total{upstream="openai"} 1\n');
    expect(text).toContain('sluice_tokens_total{model="claude-sonnet-4-5",kind="cache_read"} 8192\n');
    expect(text).toContain('sluice_reasoning_tokens_total{model="claude-sonnet-4-5"} 5\n');
    expect(text).toContain('sluice_cost_usd_total{model="claude-sonnet-4-5"} 0.0129786\n');
    expect(text).toContain('sluice_client_requests_total{client="alice"} 1\n');
    expect(text).toContain('sluice_request_outcomes_total{outcome="error"} 1\n');
    expect(text).toContain("sluice_in_flight_requests 0\n");
    expect(text).toContain("sluice_scrub_hits_total 2\n");
    expect(text).toContain("sluice_retries_total 1\n");
  });

  test("the latency histogram is cumulative and +Inf equals _count", () => {
    const { samples } = validate(populated().prometheus());
    const buckets = samples.filter((s) => s.name === "sluice_request_duration_seconds_bucket");
    const values = buckets.map((s) => s.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(buckets.find((s) => s.labels === '{le="0.05"}')?.value).toBe(1);
    expect(buckets.find((s) => s.labels === '{le="1.5"}')).toBeUndefined();
    expect(buckets.find((s) => s.labels === '{le="2.5"}')?.value).toBe(2);
    expect(buckets.find((s) => s.labels === '{le="600"}')?.value).toBe(2);
    const count = samples.find((s) => s.name === "sluice_request_duration_seconds_count")?.value;
    expect(buckets.at(-1)).toEqual({
      name: "sluice_request_duration_seconds_bucket",
      labels: '{le="+Inf"}',
      value: 3,
    });
    expect(count).toBe(3);
    expect(samples.find((s) => s.name === "sluice_request_duration_seconds_sum")?.value).toBeCloseTo(
      701.24,
      9,
    );
  });

  test("label values are escaped", () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(populated().prometheus()).toContain('{model="we\\"ird\\\\mo\\ndel"}');
  });

  test("session ids and request ids never become labels", () => {
    const text = populated().prometheus();
    expect(text).not.toContain("secret-session-123");
    expect(text).not.toContain("req-");
    expect(text).not.toMatch(/session|request_id/);
  });
});
