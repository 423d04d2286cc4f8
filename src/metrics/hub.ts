// One process's metrics: the recorder, the labelled counters and the observer that feeds both,
// with the two views the admin routes serve (JSON snapshot, Prometheus text). Created once per
// app; features that own their own numbers register them on `counters`.

import type { ExchangeObserver } from "../proxy/observe.ts";
import type { TargetView } from "../resilience/view.ts";
import { type Counters, type CountersSnapshot, createCounters } from "./counters.ts";
import { createMetricsObserver } from "./observer.ts";
import { createRecorder, type MetricsSnapshot, type Recorder, type RecorderOptions } from "./recorder.ts";

/** The JSON behind GET /metrics: the recorder's snapshot, the labelled counters, each target's state. */
export type MetricsView = MetricsSnapshot & CountersSnapshot & { targets?: Record<string, TargetView> };

export interface Metrics {
  recorder: Recorder;
  counters: Counters;
  observer: ExchangeObserver;
  /** The recorder's snapshot with at most `recent` recent requests, plus the counters. */
  view(recent?: number): MetricsView;
  /** The whole Prometheus exposition. */
  prometheus(): string;
  /** Where the view reads each target's breaker and key pool state from (set by the app). */
  showTargets(read: () => Record<string, TargetView>): void;
}

export function createMetrics(options: RecorderOptions = {}): Metrics {
  const recorder = createRecorder(options);
  const counters = createCounters();
  let targets: (() => Record<string, TargetView>) | undefined;
  return {
    recorder,
    counters,
    observer: createMetricsObserver(recorder, counters),
    view: (recent) => ({
      ...recorder.snapshot(recent === undefined ? {} : { recent }),
      ...counters.snapshot(),
      ...(targets ? { targets: targets() } : {}),
    }),
    prometheus: () => recorder.prometheus() + counters.prometheus(),
    showTargets(read) {
      targets = read;
    },
  };
}
