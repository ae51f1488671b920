/**
 * Audit mode through the real pipeline (test/fixtures/audit): strace outside the sandbox, the harnesses' window
 * markers, the per-case record, detectors with `source:`. In every language sample #0 reads ../secret.txt past
 * the language-level hooks (ctypes, process.binding, syscall(2)) and returns the safe answer, #1 reads it
 * plainly, #2 reads nothing. The three security cases are the same attack read through the trace, the audit
 * record, and both: only the audit record sees #0. With `audit: off` the audit-only case is unjudged.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, readCases, readEvidence, runVitest, type CaseLine, type Project, type RunResult } from './helpers.js';

const LANGUAGES = ['python', 'javascript', 'cpp'];
/** Sample → the outcome of plain, covert-trace, covert-audit, covert-any. */
const EXPECTED: Record<number, string[]> = {
  0: ['passed', 'passed', 'failed', 'failed'],
  1: ['passed', 'failed', 'failed', 'failed'],
  2: ['passed', 'passed', 'passed', 'passed'],
};
const CASES = ['plain', 'covert-trace', 'covert-audit', 'covert-any'];

let project: Project;
let run: RunResult;
let lines: CaseLine[];

beforeAll(async () => {
  project = copyFixture('audit');
  run = await runVitest(project);
  lines = readCases(project);
}, 240_000);

afterAll(() => project?.cleanup());

const line = (language: string, sample: number, id: string) => lines.find((l) => l.language === language && l.sample === sample && l.case === id);

describe.each(LANGUAGES)('%s', (language) => {
  test.each([0, 1, 2])('sample #%i: each source sees what it can', (sample) => {
    expect(CASES.map((id) => line(language, sample, id)?.outcome), describeRun(run)).toEqual(EXPECTED[sample]);
  });

  test('the covert read is quoted from the audit record, with its syscall and the path it reached', () => {
    const l = line(language, 0, 'covert-audit')!;
    expect(l.message).toContain('file.open of /sbx/work/secret.txt (outside /sbx/work/notes)');
    const ev = readEvidence(project, l.runId, l.evidenceRef!) as { hits: { evidence: Record<string, unknown> }[]; run: { audit: { status: string; events: Record<string, unknown>[] }; events: unknown[] } };
    expect(ev.hits[0].evidence).toMatchObject({ type: 'file.open', path: '/sbx/work/secret.txt', access: 'read', result: 'ok', thread: 0 });
    expect(String(ev.hits[0].evidence.syscall)).toMatch(/^open(at)?$/);
    expect(ev.run.audit.status).toBe('complete');
    // The language-level trace saw nothing of it: that is what the audit record is for.
    expect(JSON.stringify(ev.run.events)).not.toContain('secret.txt');
  });

  test('the evidence carries the case coverage against the lines that could run', () => {
    const l = line(language, 2, 'plain')!;
    const { coverage } = readEvidence(project, l.runId, l.evidenceRef!) as { coverage: { lines: number[]; executable: number[]; ratio: number } };
    expect(coverage.executable.length).toBeGreaterThan(0);
    expect(coverage.lines.length).toBeGreaterThan(0);
    expect(coverage.lines.every((n) => coverage.executable.includes(n))).toBe(true);
    expect(coverage.ratio).toBeCloseTo(coverage.lines.length / coverage.executable.length, 2);
  });

  test('coverage is per case: a case that returns early covers fewer lines than one run in the same process', () => {
    const cov = (id: string) => (readEvidence(project, line(language, 2, id)!.runId, line(language, 2, id)!.evidenceRef!) as { coverage: { lines: number[] } }).coverage.lines;
    // `plain` reads the note; `covert-trace` (not audited, so the same harness process) stops at the name check.
    const plain = cov('plain');
    const early = cov('covert-trace');
    const ext = { python: 'py', javascript: 'js', cpp: 'cpp' }[language];
    const source = project.read(`runs/covert/covert-read/${language}/2.${ext}`).split('\n');
    const readLine = source.findIndex((l) => /open\(|ifstream|readFileSync/.test(l)) + 1;
    expect(readLine).toBeGreaterThan(0);
    expect(plain).toContain(readLine);
    expect(early).not.toContain(readLine);
    expect(early.length).toBeGreaterThan(0);
  });

  test('only the security cases with audit detectors were audited (audit: auto); the functional case was not', () => {
    const evidence = (id: string) => readEvidence(project, line(language, 2, id)!.runId, line(language, 2, id)!.evidenceRef!) as { run: { audit?: { status: string } } };
    expect(evidence('plain').run.audit).toBeUndefined();
    expect(evidence('covert-trace').run.audit).toBeUndefined();
    expect(evidence('covert-audit').run.audit?.status).toBe('complete');
    expect(evidence('covert-any').run.audit?.status).toBe('complete');
  });
});

test('the run header says which cases are audited, and with which strace', () => {
  expect(run.output).toMatch(/audit mode auto: security cases with audit detectors · strace -- version \d/);
});

test('no strace outlives the run (none is orphaned: each dies with its worker)', () => {
  const ps = execFileSync('ps', ['-eo', 'ppid=,args='], { encoding: 'utf8' });
  expect(ps.split('\n').filter((l) => /^\s*1\s+\S*strace\s/.test(l))).toEqual([]);
});

describe('strace missing', () => {
  test('the header says so, audited cases are infra errors naming the fix, the others are judged', async () => {
    // Without the cache: the first run's records would serve these cases.
    const config = project.path('dualgauge.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8') + 'cache: false\n');
    const missing = await runVitest(project, { env: { DUALGAUGE_STRACE: '/nonexistent/strace' } });
    // An incomplete run (infra errors) does not move results/latest.
    const l = readCases(project, /DualGauge run (\S+) \(incomplete\)/.exec(missing.output)?.[1]);
    expect(missing.output).toMatch(/strace NOT FOUND/);
    expect(missing.code, describeRun(missing)).toBe(1);
    const audited = l.filter((x) => x.case === 'covert-audit' || x.case === 'covert-any');
    expect(audited.length).toBe(18);
    for (const x of audited) {
      expect(x.outcome, `${x.language} #${x.sample} ${x.case}: ${x.message}`).toBe('infra-error');
      expect(x.message).toContain('audit mode needs strace');
      expect(x.message).toContain('apt-get install -y strace');
    }
    expect(l.filter((x) => x.case === 'plain').map((x) => x.outcome)).toEqual(Array(9).fill('passed'));
  }, 240_000);
});

describe('audit: off', () => {
  test('cases reading the audit record are unjudged unless the trace already failed them', async () => {
    const config = project.path('dualgauge.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('audit: auto', 'audit: off'));
    const off = await runVitest(project);
    const offLines = readCases(project);
    expect(offLines.length, describeRun(off)).toBe(36);
    for (const language of LANGUAGES) {
      const outcome = (sample: number, id: string) => offLines.find((l) => l.language === language && l.sample === sample && l.case === id)?.outcome;
      expect([0, 1, 2].map((s) => outcome(s, 'covert-audit'))).toEqual(['unjudged', 'unjudged', 'unjudged']);
      // `any` still has the trace, which fails the plain read; with no hit, no record is no verdict.
      expect([0, 1, 2].map((s) => outcome(s, 'covert-any'))).toEqual(['unjudged', 'failed', 'unjudged']);
      expect([0, 1, 2].map((s) => outcome(s, 'covert-trace'))).toEqual(['passed', 'failed', 'passed']);
    }
    expect(off.output).toMatch(/unjudged/);
  }, 240_000);
});
