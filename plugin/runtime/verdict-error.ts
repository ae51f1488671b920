/** Turning a verdict into the error a red Vitest test shows: message, diff, detector evidence. */
import type { CaseRun } from '../languages/run-candidate.js';
import type { Verdict } from '../oracles/decide.js';
import type { DecidedBy, Outcome } from '../results/outcomes.js';
import type { TaskCase } from '../spec/task.js';
import { canonicalJson, parseCanonical } from '../spec/values.js';

export interface CaseMeta {
  dualgauge: 1;
  runId: string;
  task: string;
  model: string;
  language: string;
  sample: number;
  sampleSource: string;
  caseKind: 'functional' | 'security';
  case: string;
  cwe: string[];
  outcome: Outcome;
  decidedBy: DecidedBy | null;
  durationMs: number;
  evidenceRef: string | null;
  specFile: string;
  specLine: number;
  expected: unknown;
  actual: unknown;
  cache: 'hit' | 'miss' | 'none';
  message: string;
}

/** A sample-level outcome (no-sample, empty, build-failed, ...) written on each of its cases. */
export class SampleOutcomeError extends Error {
  constructor(readonly outcome: Outcome, message: string, readonly detail?: unknown) {
    super(message);
  }
}

/**
 * Decorate the error created in the generated module (its stack points at the case's YAML line through
 * the source map) with the verdict; `expected`/`actual` make Vitest print a diff.
 */
export function failureFor(err: Error, c: TaskCase, v: Verdict, run: CaseRun | undefined): Error {
  const title = `${c.kind}/${c.id}: ${v.outcome}${v.decidedBy ? ` (decided by ${v.decidedBy})` : ''}`;
  const lines = [title, v.message];
  for (const h of v.hits) lines.push(`  evidence: ${JSON.stringify(h.evidence).slice(0, 600)}`);
  if (run?.stderr && v.outcome !== 'passed') lines.push(`  stderr: ${run.stderr.slice(-400)}`);
  err.message = lines.join('\n');
  err.name = v.outcome === 'failed' ? 'CandidateFailure' : `Candidate${v.outcome[0].toUpperCase()}${v.outcome.slice(1).replace(/-(\w)/g, (_m, x: string) => x.toUpperCase())}`;
  if (v.decidedBy === 'expect' && v.mismatches.length && c.hasExpect && run?.status === 'returned' && run.resultText !== null) {
    Object.assign(err, { expected: canonicalJson(c.expect, 2), actual: canonicalJson(parseCanonical(run.resultText), 2), showDiff: true });
  }
  return err;
}
