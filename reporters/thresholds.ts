/** `thresholds:` of the config against the rows of a run. */
import type { Threshold } from '../plugin/config/types.js';
import { matchesAny } from '../plugin/config/globs.js';
import { metricValue, type Row } from '../plugin/results/metrics.js';

export interface ThresholdMiss {
  threshold: Threshold;
  model: string;
  language: string;
  value: number | null;
}

export function thresholdMisses(rows: Row[], thresholds: Threshold[]): ThresholdMiss[] {
  const misses: ThresholdMiss[] = [];
  for (const t of thresholds) {
    for (const r of rows) {
      if (t.model && !matchesAny(r.model, [t.model])) continue;
      if (t.language && r.language !== t.language) continue;
      const value = metricValue(r, t.metric);
      if (value === null || value < t.min) misses.push({ threshold: t, model: r.model, language: r.language, value });
    }
  }
  return misses;
}

export function describeMiss(m: ThresholdMiss): string {
  const v = m.value === null ? 'not computed' : `${(m.value * 100).toFixed(1)}%`;
  return `${m.threshold.metric} of ${m.model} · ${m.language} is ${v}, below the threshold ${(m.threshold.min * 100).toFixed(1)}%`;
}
