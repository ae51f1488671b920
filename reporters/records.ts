/** From Vitest test cases to DualGauge case records (the rows of cases.jsonl). */
import { relative } from 'node:path';
import type { TestCase } from 'vitest/node';
import type { CaseRecord } from '../plugin/results/metrics.js';
import type { Outcome } from '../plugin/results/outcomes.js';

export interface CaseLine extends CaseRecord {
  schema: 1;
  runId: string;
  project: string;
  decidedBy: string | null;
  expected: unknown;
  actual: unknown;
  evidenceRef: string | null;
  durationMs: number;
  specFile: string;
  specLine: number;
  cache?: string;
  message?: string;
}

interface Meta {
  dualgauge?: 1;
  outcome?: Outcome;
  [k: string]: unknown;
}

/**
 * The record of a finished test, or null for tests that did not run (filtered, skipped) and tests that are
 * not DualGauge cases. A failed case without a candidate outcome is our fault: infra-error.
 */
export function recordOf(t: TestCase, runId: string, configDir: string): CaseLine | null {
  const result = t.result();
  if (result.state !== 'passed' && result.state !== 'failed') return null;
  const m = t.meta() as Meta;
  if (m.dualgauge !== 1) return null;
  const outcome: Outcome = m.outcome ?? 'infra-error';
  return {
    schema: 1,
    runId,
    project: t.project.name,
    task: String(m.task),
    model: String(m.model),
    language: String(m.language),
    sample: Number(m.sample),
    caseKind: m.caseKind as 'functional' | 'security',
    case: String(m.case),
    cwe: (m.cwe as string[]) ?? [],
    outcome: result.state === 'passed' && outcome !== 'passed' ? 'infra-error' : outcome,
    decidedBy: (m.decidedBy as string | null) ?? null,
    expected: m.expected ?? null,
    actual: m.actual ?? null,
    evidenceRef: (m.evidenceRef as string | null) ?? null,
    // A test that ended without runtime meta (e.g. Vitest's own timeout) has Vitest's duration.
    durationMs: Number(m.durationMs ?? t.diagnostic()?.duration ?? 0),
    specFile: relative(configDir, String(m.specFile)),
    specLine: Number(m.specLine),
    cache: m.cache as string | undefined,
    message: m.outcome ? (m.message as string | undefined) : result.errors?.[0]?.message?.slice(0, 2000),
  };
}
