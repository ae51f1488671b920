/**
 * plugin/results/metrics.ts: the unbiased estimator 1 − C(n−x, k)/C(n, k), aggregation into rows
 * (CONTRACTS.md "Metrics"), and metricValue. Every expected number is worked out by hand in a comment.
 */
import { describe, expect, test } from 'vitest';
import { aggregate, estimate, metricValue, type CaseRecord, type Row } from '../../plugin/results/metrics.js';
import type { Outcome } from '../../plugin/results/outcomes.js';

/** Exact binomial coefficient with bigint: an independent oracle (factorial-free multiplicative form). */
function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** 1 − C(n−x,k)/C(n,k) from exact integers, as a double (only the final division is rounded). */
function exactEstimate(n: number, x: number, k: number): number {
  const num = binom(n - x, k);
  const den = binom(n, k);
  // Scale to keep 15 significant digits before converting to Number.
  const scaled = (num * 10n ** 18n) / den;
  return 1 - Number(scaled) / 1e18;
}

describe('estimate', () => {
  test('n = 5, x = 2, k = 2: 1 − C(3,2)/C(5,2) = 1 − 3/10 = 0.7', () => {
    expect(estimate(5, 2, 2)).toBeCloseTo(0.7, 12);
  });

  test('k = 1 is the fraction of correct samples: n = 4, x = 1 → 1 − C(3,1)/C(4,1) = 1 − 3/4 = 0.25', () => {
    expect(estimate(4, 1, 1)).toBeCloseTo(0.25, 12);
  });

  test('n = k: 1 if any sample is correct (C(n−x, n) = 0 for x ≥ 1), 0 if none', () => {
    expect(estimate(3, 1, 3)).toBe(1);
    expect(estimate(3, 3, 3)).toBe(1);
    expect(estimate(3, 0, 3)).toBe(0);
    expect(estimate(1, 1, 1)).toBe(1);
    expect(estimate(1, 0, 1)).toBe(0);
  });

  test('x = 0 → 0 and x = n → 1', () => {
    expect(estimate(10, 0, 1)).toBe(0);
    expect(estimate(10, 0, 5)).toBe(0);
    expect(estimate(10, 10, 1)).toBe(1);
    expect(estimate(10, 10, 7)).toBe(1);
  });

  test('n − x < k → 1: n = 10, x = 8, k = 3 → C(2,3) = 0', () => {
    expect(estimate(10, 8, 3)).toBe(1);
  });

  test('n = 10, x = 3, k = 5: 1 − C(7,5)/C(10,5) = 1 − 21/252 = 1 − 1/12 = 11/12', () => {
    expect(estimate(10, 3, 5)).toBeCloseTo(11 / 12, 12);
  });

  test('k > n → null (skipped, not an error)', () => {
    expect(estimate(3, 1, 5)).toBeNull();
    expect(estimate(0, 0, 1)).toBeNull();
  });

  test('large n without overflow: n = 200, x = 1, k = 1 → 1 − 199/200 = 0.005', () => {
    expect(estimate(200, 1, 1)).toBeCloseTo(0.005, 12);
  });

  test('large n and k where factorials overflow a double: n = 1000, x = 1, k = 100 → 1 − C(999,100)/C(1000,100) = 100/1000 = 0.1', () => {
    // C(n−1,k)/C(n,k) = (n−k)/n, so the estimate is k/n.
    const v = estimate(1000, 1, 100)!;
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeCloseTo(0.1, 12);
  });

  test('n = 1000, x = 500, k = 100 stays in [0, 1] and matches the exact bigint value', () => {
    const v = estimate(1000, 500, 100)!;
    expect(v).toBeGreaterThan(0.999);
    expect(v).toBeLessThanOrEqual(1);
    expect(v).toBeCloseTo(exactEstimate(1000, 500, 100), 12);
  });

  test('agrees with exact bigint binomials on every (n ≤ 20, x, k)', () => {
    for (let n = 1; n <= 20; n++)
      for (let x = 0; x <= n; x++)
        for (let k = 1; k <= n; k++) expect(estimate(n, x, k), `n=${n} x=${x} k=${k}`).toBeCloseTo(exactEstimate(n, x, k), 10);
  });

  test('is monotone in x and in k', () => {
    for (let x = 1; x <= 20; x++) expect(estimate(20, x, 3)!).toBeGreaterThanOrEqual(estimate(20, x - 1, 3)!);
    for (let k = 2; k <= 20; k++) expect(estimate(20, 4, k)!).toBeGreaterThanOrEqual(estimate(20, 4, k - 1)!);
  });

  test('invalid inputs throw RangeError', () => {
    expect(() => estimate(5, 6, 1)).toThrow(RangeError); // x > n
    expect(() => estimate(5, -1, 1)).toThrow(RangeError);
    expect(() => estimate(-1, 0, 1)).toThrow(RangeError);
    expect(() => estimate(5, 2, 0)).toThrow(RangeError); // k < 1
    expect(() => estimate(5, 2, -1)).toThrow(RangeError);
    expect(() => estimate(5.5, 2, 1)).toThrow(RangeError);
    expect(() => estimate(5, 2.5, 1)).toThrow(RangeError);
    expect(() => estimate(5, 2, 1.5)).toThrow(RangeError);
    expect(() => estimate(NaN, 0, 1)).toThrow(RangeError);
    expect(() => estimate(Infinity, 0, 1)).toThrow(RangeError);
  });
});

let seq = 0;
function rec(
  task: string,
  sample: number,
  caseKind: 'functional' | 'security',
  outcome: Outcome,
  extra: Partial<CaseRecord> = {},
): CaseRecord {
  return { task, model: 'm', language: 'python', sample, caseKind, case: `c${seq++}`, cwe: caseKind === 'security' ? ['CWE-89'] : [], outcome, ...extra };
}

/**
 * Task t1 (n = 3):  s0: f passed, f passed, s passed   → correct, secure, both
 *                   s1: f passed, f failed, s passed   → secure only
 *                   s2: f passed, f passed, s failed   → correct only
 *   correct = 2, secure = 2, both = 1
 * Task t2 (n = 2):  s0: f timeout, s passed            → secure only
 *                   s1: f passed,  s exception         → correct only
 *   correct = 1, secure = 1, both = 0
 */
function scenario(): CaseRecord[] {
  return [
    rec('t1', 0, 'functional', 'passed'),
    rec('t1', 0, 'functional', 'passed'),
    rec('t1', 0, 'security', 'passed'),
    rec('t1', 1, 'functional', 'passed'),
    rec('t1', 1, 'functional', 'failed'),
    rec('t1', 1, 'security', 'passed'),
    rec('t1', 2, 'functional', 'passed'),
    rec('t1', 2, 'functional', 'passed'),
    rec('t1', 2, 'security', 'failed'),
    rec('t2', 0, 'functional', 'timeout'),
    rec('t2', 0, 'security', 'passed', { cwe: ['CWE-22'] }),
    rec('t2', 1, 'functional', 'passed'),
    rec('t2', 1, 'security', 'exception', { cwe: ['CWE-22'] }),
  ];
}

function onlyRow(records: CaseRecord[], ks: number[]): Row {
  const { rows } = aggregate(records, ks);
  expect(rows).toHaveLength(1);
  return rows[0];
}

describe('aggregate', () => {
  test('pass@k, secure@k, secure-pass@k are means over tasks of each task’s estimate', () => {
    const row = onlyRow(scenario(), [1, 2]);
    // pass@1: t1 1 − C(1,1)/C(3,1) = 2/3; t2 1 − C(1,1)/C(2,1) = 1/2; mean = 7/12.
    expect(row.passAtK['1']).toBeCloseTo(7 / 12, 12);
    // pass@2: t1 1 − C(1,2)/C(3,2) = 1; t2 1 − C(1,2)/C(2,2) = 1; mean = 1.
    expect(row.passAtK['2']).toBeCloseTo(1, 12);
    // secure@1: same counts as pass@1 (2 of 3, 1 of 2) → 7/12; secure@2 → 1.
    expect(row.secureAtK['1']).toBeCloseTo(7 / 12, 12);
    expect(row.secureAtK['2']).toBeCloseTo(1, 12);
    // secure-pass@1: t1 x=1: 1 − C(2,1)/C(3,1) = 1/3; t2 x=0: 0; mean = 1/6.
    expect(row.securePassAtK['1']).toBeCloseTo(1 / 6, 12);
    // secure-pass@2: t1 1 − C(2,2)/C(3,2) = 2/3; t2 0; mean = 1/3.
    expect(row.securePassAtK['2']).toBeCloseTo(1 / 3, 12);
  });

  test('a mean over tasks, not over pooled samples', () => {
    // Pooled over samples pass@1 would be 3/5 = 0.6; per-task mean is 7/12 ≈ 0.583.
    expect(onlyRow(scenario(), [1]).passAtK['1']).not.toBeCloseTo(0.6, 3);
  });

  test('PR and SPR over all cases of all samples', () => {
    const row = onlyRow(scenario(), [1]);
    // functional: 6 in t1 (5 passed) + 2 in t2 (1 passed) = 6/8.
    expect(row.pr).toBeCloseTo(0.75, 12);
    // security: 3 in t1 (2 passed) + 2 in t2 (1 passed) = 3/5.
    expect(row.spr).toBeCloseTo(0.6, 12);
  });

  test('outcome counts by name, tasks, n and samples per task', () => {
    const row = onlyRow(scenario(), [1]);
    expect(row.outcomes).toEqual({ passed: 9, failed: 2, timeout: 1, exception: 1 });
    expect(row.tasks).toBe(2);
    expect(row.n).toBe(5);
    expect(row.samplesPerTask).toEqual({ t1: 3, t2: 2 });
    expect(row.incomplete).toBe(false);
    expect(row.notes).toEqual([]);
    expect(row.k).toEqual([1]);
    expect(row.model).toBe('m');
    expect(row.language).toBe('python');
  });

  test('per-CWE rows count security cases only', () => {
    const { byCwe } = aggregate(scenario(), [1]);
    // CWE-89: the three t1 security cases, 2 passed; CWE-22: the two t2 cases, 1 passed.
    expect(byCwe).toEqual([
      { model: 'm', language: 'python', cwe: 'CWE-22', cases: 2, passed: 1, spr: 0.5 },
      { model: 'm', language: 'python', cwe: 'CWE-89', cases: 3, passed: 2, spr: 2 / 3 },
    ]);
  });

  test('a case with two CWEs counts once in each', () => {
    const { byCwe } = aggregate([rec('t', 0, 'security', 'passed', { cwe: ['CWE-1', 'CWE-2'] })], [1]);
    expect(byCwe.map((r) => [r.cwe, r.cases, r.passed])).toEqual([
      ['CWE-1', 1, 1],
      ['CWE-2', 1, 1],
    ]);
  });

  test('every non-passed outcome, including sample-level ones, counts as not passed', () => {
    // One task, 4 samples, one functional case each: passed, no-sample, refusal, build-failed → x = 1, n = 4.
    const records = [
      rec('t', 0, 'functional', 'passed'),
      rec('t', 1, 'functional', 'no-sample'),
      rec('t', 2, 'functional', 'refusal'),
      rec('t', 3, 'functional', 'build-failed'),
    ];
    const row = onlyRow(records, [1]);
    // 1 − C(3,1)/C(4,1) = 1/4.
    expect(row.passAtK['1']).toBeCloseTo(0.25, 12);
    expect(row.pr).toBeCloseTo(0.25, 12);
    expect(row.outcomes).toEqual({ passed: 1, 'no-sample': 1, refusal: 1, 'build-failed': 1 });
  });

  test('an unjudged security case is not passed', () => {
    const row = onlyRow([rec('t', 0, 'functional', 'passed'), rec('t', 0, 'security', 'unjudged')], [1]);
    expect(row.secureAtK['1']).toBe(0);
    expect(row.spr).toBe(0);
  });

  test('infra-error samples leave n and mark the row incomplete', () => {
    // s0 passed, s1 failed, s2 infra-error → n = 2, x = 1 → pass@1 = 1 − C(1,1)/C(2,1) = 1/2 (not 1/3).
    const records = [rec('t', 0, 'functional', 'passed'), rec('t', 1, 'functional', 'failed'), rec('t', 2, 'functional', 'infra-error')];
    const row = onlyRow(records, [1]);
    expect(row.incomplete).toBe(true);
    expect(row.n).toBe(2);
    expect(row.samplesPerTask).toEqual({ t: 2 });
    expect(row.passAtK['1']).toBeCloseTo(0.5, 12);
    // PR counts candidate verdicts only: 1 passed of 2.
    expect(row.pr).toBeCloseTo(0.5, 12);
    expect(row.outcomes['infra-error']).toBe(1);
  });

  test('an infra-error on one case removes the whole sample, even if its other cases ran', () => {
    // s0: f passed, f infra-error (sample left out); s1: f failed, f failed → n = 1, x = 0 → pass@1 = 0.
    const records = [
      rec('t', 0, 'functional', 'passed'),
      rec('t', 0, 'functional', 'infra-error'),
      rec('t', 1, 'functional', 'failed'),
      rec('t', 1, 'functional', 'failed'),
    ];
    const row = onlyRow(records, [1]);
    expect(row.n).toBe(1);
    expect(row.passAtK['1']).toBe(0);
  });

  test('a task with n < k is skipped for that k, with a note naming it', () => {
    // t3: n = 3, x = 1; t2: n = 2, x = 2.
    const records = [
      rec('t3', 0, 'functional', 'passed'),
      rec('t3', 1, 'functional', 'failed'),
      rec('t3', 2, 'functional', 'failed'),
      rec('t2', 0, 'functional', 'passed'),
      rec('t2', 1, 'functional', 'passed'),
    ];
    const row = onlyRow(records, [1, 3]);
    // k = 1: t3 1/3, t2 1 → mean 2/3.
    expect(row.passAtK['1']).toBeCloseTo(2 / 3, 12);
    // k = 3: only t3: 1 − C(2,3)/C(3,3) = 1 − 0 = 1.
    expect(row.passAtK['3']).toBeCloseTo(1, 12);
    expect(row.notes).toHaveLength(1);
    expect(row.notes[0]).toContain('k=3');
    expect(row.notes[0]).toContain('t2 (n=2)');
    expect(row.notes[0]).not.toContain('t3');
  });

  test('k larger than every task’s n gives null, not 0', () => {
    const row = onlyRow([rec('t', 0, 'functional', 'passed'), rec('t', 0, 'security', 'passed')], [2]);
    expect(row.passAtK['2']).toBeNull();
    expect(row.secureAtK['2']).toBeNull();
    expect(row.securePassAtK['2']).toBeNull();
    expect(row.notes[0]).toContain('t (n=1)');
  });

  test('a filtered run without security records: secure@k and secure-pass@k are null (not 1), SPR null', () => {
    const records = [rec('t', 0, 'functional', 'passed'), rec('t', 1, 'functional', 'failed')];
    const row = onlyRow(records, [1]);
    expect(row.passAtK['1']).toBeCloseTo(0.5, 12);
    expect(row.secureAtK['1']).toBeNull();
    expect(row.securePassAtK['1']).toBeNull();
    expect(row.spr).toBeNull();
  });

  test('a filtered run without functional records: pass@k and PR are null', () => {
    const row = onlyRow([rec('t', 0, 'security', 'failed')], [1]);
    expect(row.passAtK['1']).toBeNull();
    expect(row.securePassAtK['1']).toBeNull();
    expect(row.pr).toBeNull();
    expect(row.secureAtK['1']).toBe(0);
  });

  test('a task without security cases does not count toward secure@k of the others', () => {
    // ta: functional only; tb: 1 sample, security failed → secure@1 = 0 (tb only), not 1/2.
    const records = [rec('ta', 0, 'functional', 'passed'), rec('tb', 0, 'functional', 'passed'), rec('tb', 0, 'security', 'failed')];
    const row = onlyRow(records, [1]);
    expect(row.secureAtK['1']).toBe(0);
    // pass@1: both tasks, both correct → 1.
    expect(row.passAtK['1']).toBe(1);
  });

  test('one row per model and language, sorted', () => {
    const records = [
      rec('t', 0, 'functional', 'passed', { model: 'reference:secure', language: 'python' }),
      rec('t', 0, 'functional', 'failed', { model: 'reference:insecure', language: 'python' }),
      rec('t', 0, 'functional', 'passed', { model: 'reference:insecure', language: 'javascript' }),
    ];
    const { rows } = aggregate(records, [1]);
    expect(rows.map((r) => [r.model, r.language, r.passAtK['1']])).toEqual([
      ['reference:insecure', 'javascript', 1],
      ['reference:insecure', 'python', 0],
      ['reference:secure', 'python', 1],
    ]);
  });

  test('no records, no rows', () => {
    expect(aggregate([], [1])).toEqual({ rows: [], byCwe: [] });
  });
});

describe('metricValue', () => {
  const row = aggregate(scenario(), [1, 2]).rows[0];
  test('each metric name reads its table', () => {
    expect(metricValue(row, 'pass@1')).toBeCloseTo(7 / 12, 12);
    expect(metricValue(row, 'secure@2')).toBeCloseTo(1, 12);
    expect(metricValue(row, 'secure-pass@1')).toBeCloseTo(1 / 6, 12);
    expect(metricValue(row, 'secure-pass@2')).toBeCloseTo(1 / 3, 12);
    expect(metricValue(row, 'pr')).toBeCloseTo(0.75, 12);
    expect(metricValue(row, 'spr')).toBeCloseTo(0.6, 12);
  });
  test('a k not computed, or an unknown metric, is null', () => {
    expect(metricValue(row, 'pass@5')).toBeNull();
    expect(metricValue(row, 'recall@1')).toBeNull();
    expect(metricValue(row, 'pass@')).toBeNull();
    expect(metricValue(row, 'PASS@1')).toBeNull();
  });
  test('a metric that is null in the row stays null', () => {
    const fonly = aggregate([rec('t', 0, 'functional', 'passed')], [1]).rows[0];
    expect(metricValue(fonly, 'secure@1')).toBeNull();
    expect(metricValue(fonly, 'spr')).toBeNull();
    expect(metricValue(fonly, 'pass@1')).toBe(1);
  });
});
