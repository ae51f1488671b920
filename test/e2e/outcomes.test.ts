/**
 * Outcomes through the real pipeline (CONTRACTS.md "Outcomes", "Replay models"): replayed candidates of
 * test/fixtures/outcomes (model files:./runs/cand, n = 9, limits.timeout_ms = 1000), one per behaviour:
 *   #0 correct · #1 wrong output · #2 raises · #3 os._exit(3) on the first case · #4 loops forever on the
 *   second case · #5 syntax error · #6 no count_words · #7 no file · #8 empty file.
 * Task count-words: functional two-words, empty-text, padded; security long-comment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, evidenceFile, readCases, readSummary, rowOf, runVitest, type CaseLine, type Project, type RunResult, type Summary } from './helpers.js';

const MODEL = 'files:./runs/cand';
const SPEC = 'specs/count-words/task.yaml';
const CASES = ['two-words', 'empty-text', 'padded', 'long-comment'];

let project: Project;
let run: RunResult;
let summary: Summary;
let lines: CaseLine[];

beforeAll(async () => {
  project = copyFixture('outcomes');
  run = await runVitest(project);
  summary = readSummary(project);
  lines = readCases(project);
});

afterAll(() => project?.cleanup());

function at(sample: number, id: string): CaseLine {
  const l = lines.find((x) => x.sample === sample && x.case === id);
  if (!l) throw new Error(`no line for #${sample} ${id}`);
  return l;
}

function outcomesOf(sample: number): string[] {
  return CASES.map((c) => at(sample, c).outcome);
}

/** The failure block Vitest printed for one test (from its FAIL header to the next separator). */
function failureBlock(sample: number, id: string): string {
  const name = `${MODEL} · python · #${sample} > ${id}`;
  const start = run.output.indexOf(name);
  if (start < 0) throw new Error(`no failure printed for ${name}\n${run.output.slice(-3000)}`);
  const end = run.output.indexOf('⎯⎯⎯', start);
  return run.output.slice(start, end < 0 ? undefined : end);
}

function placeOfCase(id: string): string {
  const text = project.read(SPEC).split('\n');
  const line = text.findIndex((l) => new RegExp(`^\\s*- id: ${id}\\s*$`).test(l));
  return `${SPEC}:${line + 1}:${text[line].indexOf('id:') + 1}`;
}

describe('replayed candidates get one outcome each', () => {
  test('the run exits 0: every failure is a candidate outcome', () => {
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines).toHaveLength(36);
    expect((summary.manifest as { limits: Record<string, number> }).limits.timeoutMs ?? (summary.manifest as any).limits.timeout_ms).toBe(1000);
  });

  test('a correct candidate passes every case', () => {
    expect(outcomesOf(0)).toEqual(['passed', 'passed', 'passed', 'passed']);
  });

  test('wrong output: failed, decided by expect, with expected and actual recorded', () => {
    expect(outcomesOf(1)).toEqual(['passed', 'failed', 'failed', 'passed']);
    expect(at(1, 'padded')).toMatchObject({ outcome: 'failed', decidedBy: 'expect', expected: 3, actual: 9 });
    expect(at(1, 'empty-text')).toMatchObject({ expected: 0, actual: 1 });
  });

  test('wrong output: the terminal shows a readable diff and points at the case in task.yaml', () => {
    const block = failureBlock(1, 'functional/padded');
    expect(block).toMatch(/Expected:?\s+"?3"?/);
    expect(block).toMatch(/Received:?\s+"?9"?/);
    expect(block).toContain(placeOfCase('padded'));
    // The code frame shows the YAML of the case, with a caret under it.
    expect(block).toMatch(/\d+\| +- id: padded\n\s*\| +\^/);
  });

  test('an exception is its own outcome, with the exception type in the message', () => {
    expect(outcomesOf(2)).toEqual(['exception', 'exception', 'exception', 'exception']);
    expect(at(2, 'two-words').message ?? failureBlock(2, 'functional/two-words')).toMatch(/ValueError/);
    expect(at(2, 'two-words').decidedBy).toBeNull();
  });

  test('os._exit(3) is a crash of that case; the following cases still run', () => {
    expect(outcomesOf(3)).toEqual(['crash', 'passed', 'passed', 'passed']);
    expect(failureBlock(3, 'functional/two-words')).toMatch(/exit 3/);
  });

  test('an infinite loop is a timeout (limits.timeout_ms); the following cases run in a fresh sandbox', () => {
    expect(outcomesOf(4)).toEqual(['passed', 'timeout', 'passed', 'passed']);
    const ev = JSON.parse(readFileSync(evidenceFile(project, summary.runId, at(4, 'empty-text').evidenceRef!), 'utf8'));
    expect(ev.outcome).toBe('timeout');
  });

  test('a syntax error is build-failed on every case of the sample', () => {
    expect(outcomesOf(5)).toEqual(['build-failed', 'build-failed', 'build-failed', 'build-failed']);
    expect(failureBlock(5, 'functional/two-words')).toMatch(/line 2/);
  });

  test('a missing function is startup-failed on every case', () => {
    expect(outcomesOf(6)).toEqual(['startup-failed', 'startup-failed', 'startup-failed', 'startup-failed']);
    expect(failureBlock(6, 'functional/two-words')).toMatch(/count_words/);
  });

  test('a missing sample file is no-sample on every case', () => {
    expect(existsSync(project.path('runs/cand/count-words/python/7.py'))).toBe(false);
    expect(outcomesOf(7)).toEqual(['no-sample', 'no-sample', 'no-sample', 'no-sample']);
  });

  test('an empty sample file is empty on every case', () => {
    expect(outcomesOf(8)).toEqual(['empty', 'empty', 'empty', 'empty']);
  });

  test('every case line points at its case in the YAML', () => {
    for (const l of lines) expect(`${l.specFile}:${l.specLine}`, `#${l.sample} ${l.case}`).toBe(placeOfCase(l.case).replace(/:\d+$/, ''));
  });

  test('the row counts each outcome by name and computes the metrics over n = 9', () => {
    const row = rowOf(summary, MODEL);
    expect(row).toMatchObject({ tasks: 1, n: 9, incomplete: false });
    expect(row.outcomes).toEqual({
      passed: 12, failed: 2, exception: 4, crash: 1, timeout: 1,
      'build-failed': 4, 'startup-failed': 4, 'no-sample': 4, empty: 4,
    });
    // correct: #0 only; secure (long-comment passed): #0 #1 #3 #4; both: #0.
    expect(row.passAtK['1']).toBeCloseTo(1 / 9, 12);
    expect(row.secureAtK['1']).toBeCloseTo(4 / 9, 12);
    expect(row.securePassAtK['1']).toBeCloseTo(1 / 9, 12);
    // functional passed: #0 3, #1 1, #3 2, #4 2 = 8 of 27; security passed 4 of 9.
    expect(row.pr).toBeCloseTo(8 / 27, 12);
    expect(row.spr).toBeCloseTo(4 / 9, 12);
  });

  test('the table lists the other outcomes by name', () => {
    const line = run.stdout.split('\n').find((l) => l.startsWith(MODEL));
    expect(line, describeRun(run)).toBeDefined();
    for (const o of ['exception:4', 'crash:1', 'timeout:1', 'build-failed:4', 'startup-failed:4', 'no-sample:4', 'empty:4']) expect(line).toContain(o);
  });
});
