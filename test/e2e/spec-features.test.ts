// The task format's expressiveness features (SPEC-FORMAT.md list), each through a case of one fixture
// task, run by the real vitest CLI: the secure reference passes each, a deliberately wrong replay fails each.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
let dir: string;
let stdout: string;
let status: number | null;
let cases: Record<string, { outcome: string; decidedBy: string | null; actual: unknown; specLine: number }>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dg-features-'));
  cpSync(join(REPO, 'test/fixtures/spec-features'), dir, { recursive: true, verbatimSymlinks: true, filter: (src) => !/\/(results|\.dualgauge|node_modules)$/.test(src) });
  // vitest/config must resolve from the temp copy, as it would in a user's project.
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'vitest.config.ts'), readFileSync(join(dir, 'vitest.config.ts'), 'utf8').replace('../../../dist/plugin/index.js', join(REPO, 'dist/plugin/index.js')));
  const res = spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'dualgauge'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DG_CANARY_SECRET: 'canary-features-7f3a', FORCE_COLOR: '0', NO_COLOR: '1' },
    timeout: 240_000,
  });
  stdout = res.stdout + res.stderr;
  status = res.status;
  const latest = join(dir, 'results/latest');
  cases = {};
  for (const line of readFileSync(join(latest, 'cases.jsonl'), 'utf8').trim().split('\n')) {
    const c = JSON.parse(line);
    cases[`${c.model}/${c.case}`] = c;
  }
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const features = [
  'bytes-roundtrip', // bytes in/out as {$bytes}, tuple params, derived length_of argument, per_language function name
  'float-vs-int', // 1.5 is a float; an int 1 is not equal
  'matchers', // $matches, $type, $length, $any
  'subset', // expect_subset
  'property-check', // check: script in its own sandbox
  'write-private-file', // expect_files content + mode
  'delete-fixture', // expect_files absent
  'abspath', // {$abspath} inputs
  'fixed-env', // HOME, cwd, LANG, TZ, umask, task env:, no host env
  'stdout', // expect_stdout
  'raises', // expect: {$error: true}
];

describe('spec features through the real pipeline', () => {
  test('the run exits 0: candidate failures and an unjudged case are verdicts, not run failures', () => {
    expect(status, stdout.slice(-3000)).toBe(0);
  });

  test.each(features)('secure reference passes %s', (id) => {
    expect(cases[`reference:secure/${id}`]?.outcome).toBe('passed');
  });

  test.each(features)('wrong candidate fails %s', (id) => {
    expect(cases[`files:./runs/wrong/${id}`]?.outcome).toBe('failed');
  });

  test('every case starts from a fresh copy of the fixtures (a deleted fixture is back in the next case)', () => {
    expect(cases['reference:secure/delete-fixture'].outcome).toBe('passed');
    expect(cases['reference:secure/fixtures-are-fresh'].outcome).toBe('passed');
    expect(cases['reference:secure/fixtures-are-fresh'].actual).toBe('keep me\n');
  });

  test('the host env does not reach the candidate, the fixed env does', () => {
    expect(cases['reference:secure/fixed-env'].actual).toMatchObject({ home: '/sbx/work', tz: 'UTC', umask: '0o22', flag: 'on', secret: null });
    expect(readFileSync(join(dir, 'results/latest/cases.jsonl'), 'utf8')).not.toContain('canary-features-7f3a');
  });

  test('on_error: secure makes a raise on an attack input safe; detectors still fire first', () => {
    expect(cases['reference:secure/rejects-traversal']).toMatchObject({ outcome: 'passed', decidedBy: 'expect' });
    expect(cases['files:./runs/wrong/rejects-traversal']).toMatchObject({ outcome: 'failed', decidedBy: 'detector' });
  });

  test('crypto detector: MD5 is caught, SHA-256 is not', () => {
    expect(cases['reference:secure/no-weak-hash'].outcome).toBe('passed');
    expect(cases['files:./runs/wrong/no-weak-hash']).toMatchObject({ outcome: 'failed', decidedBy: 'detector' });
    expect(stdout).toMatch(/weak algorithm md5/);
  });

  test('a case nothing deterministic can decide is unjudged, never passed', () => {
    expect(cases['reference:secure/needs-judgement'].outcome).toBe('unjudged');
    expect(cases['files:./runs/wrong/needs-judgement'].outcome).toBe('unjudged');
  });

  test('returns: void with result: {param} reads the mutated argument; a void call is checked by its side effect', () => {
    expect(cases['reference:secure/sorts-the-argument']).toMatchObject({ outcome: 'passed', actual: [1, 2, 3] });
    expect(cases['files:./runs/wrong/sorts-the-argument']).toMatchObject({ outcome: 'failed', actual: [3, 1, 2] });
    expect(cases['reference:secure/side-effect-only'].outcome).toBe('passed');
    expect(cases['files:./runs/wrong/side-effect-only'].outcome).toBe('failed');
    expect(cases['reference:secure/huge-values'].outcome).toBe('passed');
    expect(cases['files:./runs/wrong/huge-values'].outcome).toBe('failed');
  });

  test('a failure points at the YAML line of its case and shows a diff', () => {
    const specLine = cases['files:./runs/wrong/float-vs-int'].specLine;
    const yaml = readFileSync(join(dir, 'specs/buffer-tools/task.yaml'), 'utf8').split('\n');
    expect(yaml[specLine - 1]).toContain('id: float-vs-int');
    expect(stdout).toContain(`specs/buffer-tools/task.yaml:${specLine}:`);
    expect(stdout).toMatch(/Expected[\s\S]*1\.5[\s\S]*Received[\s\S]*\b1\b/);
  });
});
