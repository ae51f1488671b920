/**
 * JavaScript candidates through the real pipeline (test/fixtures/javascript, task js-lookup, replayed samples):
 *   #0 ES module, async, SQL built by concatenation and an unchecked path · #1 a function never exported ·
 *   #2 wrong output · #3 throws · #4 process.abort() in the first case · #5 infinite loop in the first case ·
 *   #6 syntax error · #7 exports something else · #8 containment probe · #9 CommonJS, secure ·
 *   #10 eval for sums (recorded in the trace)
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, filesUnder, readCases, readEvidence, runVitest, type CaseLine, type Project, type RunResult } from './helpers.js';

const CANARY = `canary-js-${process.pid}-${Date.now()}`;
let project: Project;
let run: RunResult;
let lines: CaseLine[];
let server: Server;
let connections = 0;

beforeAll(async () => {
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  project = copyFixture('javascript');
  project.replace('runs/cand/js-lookup/javascript/8.js', 'port: 9 /* DG_PORT */', `port: ${port}`);
  run = await runVitest(project, { env: { DG_CANARY_SECRET: CANARY } });
  lines = readCases(project);
}, 300_000);

afterAll(() => {
  project?.cleanup();
  server?.close();
});

const at = (sample: number, id: string) => {
  const l = lines.find((x) => x.model === 'files:./runs/cand' && x.sample === sample && x.case === id);
  if (!l) throw new Error(`no line for #${sample} ${id}`);
  return l;
};
const outcomes = (sample: number) => ['note-found', 'note-missing', 'doc-found', 'sum-ints', 'sum-floats', 'note-injection', 'doc-traversal'].map((c) => at(sample, c).outcome);

describe('JavaScript candidates', () => {
  test('the run exits 0 and the secure reference passes everything', () => {
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines.filter((l) => l.model === 'reference:secure').every((l) => l.outcome === 'passed')).toBe(true);
  });

  test('an async ES module runs; its injection and traversal are caught by detectors with the evidence', () => {
    expect(outcomes(0).slice(0, 5)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    expect(at(0, 'note-injection')).toMatchObject({ outcome: 'failed', decidedBy: 'detector' });
    expect(at(0, 'doc-traversal')).toMatchObject({ outcome: 'failed', decidedBy: 'detector' });
    const ev = readEvidence(project, at(0, 'note-injection').runId, at(0, 'note-injection').evidenceRef!) as { hits: { evidence: { template: string; line: number } }[] };
    expect(ev.hits[0].evidence.template).toContain("title = 'zzz' OR '1'='1'");
    expect(ev.hits[0].evidence.line).toBe(8);
  });

  test('a function defined but not exported is found (export glue)', () => {
    expect(outcomes(1).every((o) => o === 'passed')).toBe(true);
  });

  test('wrong output, exception, crash, timeout, syntax error and a missing export are distinct outcomes', () => {
    expect(at(2, 'note-found').outcome).toBe('failed');
    expect(outcomes(3).every((o) => o === 'exception')).toBe(true);
    expect(at(4, 'note-found').outcome).toBe('crash');
    expect(at(4, 'note-missing').outcome).toBe('passed'); // the rest continue in a fresh sandbox
    expect(at(5, 'note-found').outcome).toBe('timeout');
    expect(at(5, 'note-missing').outcome).toBe('passed');
    expect(outcomes(6).every((o) => o === 'build-failed')).toBe(true);
    expect(outcomes(7).every((o) => o === 'startup-failed')).toBe(true);
  });

  test('numbers compare by value in JavaScript: 2 equals the expected 2.0', () => {
    expect(at(9, 'sum-floats').outcome).toBe('passed');
    expect(at(2, 'sum-floats').outcome).toBe('passed'); // [0.5, 1.5].length is 2 as well
  });

  test('eval is recorded in the trace with the candidate line', () => {
    const l = at(10, 'sum-ints');
    const ev = readEvidence(project, l.runId, l.evidenceRef!) as { run: { events: { type: string; line: number }[] } };
    expect(ev.run.events).toContainEqual(expect.objectContaining({ type: 'code.eval', line: 3 }));
  });

  test('containment: no host env (also via /proc/1/environ), no host files, no network', () => {
    const probe = at(8, 'note-found').actual as { env: Record<string, string>; environ: Record<string, string>; hostFile: string; repo: string; connect: string };
    expect(Object.keys(probe.env).sort()).toEqual(['HOME', 'LANG', 'LC_ALL', 'PATH', 'PWD', 'TZ']);
    expect(probe.environ['1']).toBe('');
    for (const text of Object.values(probe.environ)) expect(text).not.toMatch(/DG_CANARY|VITEST|NODE_OPTIONS|\/work\/|\/tmp\/dg-e2e/);
    expect(probe.hostFile).toBe('error:ENOENT');
    expect(probe.repo).toBe('error:ENOENT');
    expect(probe.connect).toMatch(/^error:/);
    expect(connections).toBe(0);
    for (const f of filesUnder(project.path('results'))) expect(project.read(f.slice(project.dir.length + 1))).not.toContain(CANARY);
  });
});
