// Labelled counters the recorder does not keep: scrub hits per detector, translation drops per
// request feature, answers from a route's fallback per provider, circuit breaker opens per
// target, and pull-based extra metrics other features register (Langfuse's dropped
// events, open dashboard streams). Promises a hard cap on distinct labels, O(1) counting, and
// Prometheus names that are always valid (bad registrations are refused at start-up).

import { escapeLabel } from "./prometheus.ts";

/** A number owned by another feature, read only when a snapshot or a scrape asks. */
export interface ExtraMetric {
  /** snake_case; exposed as `sluice_<name>` in Prometheus and as `extra.<name>` in JSON. */
  name: string;
  help: string;
  type: "counter" | "gauge";
  read(): number;
}

/** A labelled block of numbers another feature owns (the gateway's spend per key), read on demand. */
export interface Section {
  /** snake_case; the JSON appears as `sections.<name>`. */
  name: string;
  json(): unknown;
  /** Complete exposition lines (HELP, TYPE and samples), ending with a newline. */
  prometheus(): string;
}

export interface CountersSnapshot {
  /** Secrets replaced by the scrubber, per detector. */
  scrubHitsByDetector: Record<string, number>;
  /** Request features a translated route could not express, per feature. */
  translationDrops: Record<string, number>;
  /** Requests answered by a route's fallback, per provider that answered. */
  fallbacks: Record<string, number>;
  /** Times each target's circuit breaker opened. */
  breakerOpens: Record<string, number>;
  /** Registered extra metrics by name. */
  extra: Record<string, number>;
  /** Registered sections by name. */
  sections: Record<string, unknown>;
}

const NAME = /^[a-z_][a-z0-9_]*$/;
const OVERFLOW = "other";
const MAX_LABEL_CHARS = 64;

/** Counts per label, at most `max` labels; later labels fold into "other". */
export class LabelledCounts {
  readonly #counts = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  add(rawLabel: string, n: number): void {
    if (!(n > 0)) return;
    let label = rawLabel.length > MAX_LABEL_CHARS ? rawLabel.slice(0, MAX_LABEL_CHARS) : rawLabel;
    const seen = this.#counts.get(label);
    if (seen === undefined && this.#counts.size >= this.#max) label = OVERFLOW;
    this.#counts.set(label, (this.#counts.get(label) ?? 0) + n);
  }

  /** Labels in alphabetical order, so output is stable. */
  toObject(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const label of [...this.#counts.keys()].sort()) out[label] = this.#counts.get(label)!;
    return out;
  }
}

export interface Counters {
  readonly scrub: LabelledCounts;
  readonly drops: LabelledCounts;
  readonly fallbacks: LabelledCounts;
  readonly breakerOpens: LabelledCounts;
  /** Adds an extra metric; throws on an invalid or duplicate name (a programming error). */
  register(metric: ExtraMetric): void;
  /** Adds a section; throws on an invalid or duplicate name. */
  registerSection(section: Section): void;
  snapshot(): CountersSnapshot;
  /** Exposition lines for these families (no trailing newline handling needed: ends with one). */
  prometheus(): string;
}

export function createCounters(maxLabels = 64): Counters {
  const scrub = new LabelledCounts(maxLabels);
  const drops = new LabelledCounts(maxLabels);
  const fallbacks = new LabelledCounts(maxLabels);
  const breakerOpens = new LabelledCounts(maxLabels);
  const extras = new Map<string, ExtraMetric>();
  const sections = new Map<string, Section>();

  const readExtra = (m: ExtraMetric): number => {
    try {
      const v = m.read();
      return Number.isFinite(v) ? v : 0;
    } catch {
      return 0;
    }
  };

  return {
    scrub,
    drops,
    fallbacks,
    breakerOpens,
    register(metric) {
      if (!NAME.test(metric.name)) throw new RangeError(`metric name "${metric.name}" is not snake_case`);
      if (extras.has(metric.name)) throw new RangeError(`metric "${metric.name}" registered twice`);
      extras.set(metric.name, metric);
    },
    registerSection(section) {
      if (!NAME.test(section.name)) throw new RangeError(`section name "${section.name}" is not snake_case`);
      if (sections.has(section.name)) throw new RangeError(`section "${section.name}" registered twice`);
      sections.set(section.name, section);
    },
    snapshot() {
      const extra: Record<string, number> = {};
      for (const m of extras.values()) extra[m.name] = readExtra(m);
      const json: Record<string, unknown> = {};
      for (const s of sections.values()) json[s.name] = s.json();
      return {
        scrubHitsByDetector: scrub.toObject(),
        translationDrops: drops.toObject(),
        fallbacks: fallbacks.toObject(),
        breakerOpens: breakerOpens.toObject(),
        extra,
        sections: json,
      };
    },
    prometheus() {
      const lines: string[] = [];
      labelled(
        lines,
        scrub,
        "sluice_scrub_detector_hits_total",
        "detector",
        "Secrets replaced by the scrubber, by detector.",
      );
      labelled(
        lines,
        drops,
        "sluice_translation_dropped_total",
        "feature",
        "Request features a translated route could not express, by feature.",
      );
      labelled(
        lines,
        fallbacks,
        "sluice_fallbacks_total",
        "provider",
        "Requests answered by a route's fallback, by the provider that answered.",
      );
      labelled(
        lines,
        breakerOpens,
        "sluice_breaker_opens_total",
        "target",
        "Times a target's circuit breaker opened, by target.",
      );
      for (const m of extras.values()) {
        lines.push(`# HELP sluice_${m.name} ${m.help.replace(/[\\\n]/g, " ")}`);
        lines.push(`# TYPE sluice_${m.name} ${m.type}`);
        lines.push(`sluice_${m.name} ${readExtra(m)}`);
      }
      let text = `${lines.join("\n")}\n`;
      for (const s of sections.values()) text += s.prometheus();
      return text;
    },
  };
}

/** One counter family with one label, its samples in label order. */
function labelled(lines: string[], counts: LabelledCounts, name: string, label: string, help: string): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
  for (const [value, n] of Object.entries(counts.toObject()))
    lines.push(`${name}{${label}="${escapeLabel(value)}"} ${n}`);
}
