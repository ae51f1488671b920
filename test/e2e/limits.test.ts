/**
 * Resource limits through the real pipeline (test/fixtures/limits): each replayed candidate attacks in its
 * `attack` and `attack-again` cases and behaves in `calm`, which runs between them. Each limit is its own
 * outcome, and the calm case still passes (a fresh sandbox after a killed case). Limits: 2 s per case,
 * 128 MiB, 32 processes, 64 KiB output, 8 MiB disk.
 *   #0 memory hog · #1 fork until refused · #2 stdout flood · #3 disk filler · #4 busy loop · #5 sleep + daemon
 * The CPU limit (1 s per process) stops the busy loop before the wall timer (2 s per case) would.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, readCases, readSummary, runVitest, type CaseLine, type Project, type RunResult } from './helpers.js';

/** Each limit through cgroups where this host has them, and through rlimits only (the fallback elsewhere). */
const MECHANISMS: [string, Record<string, string>, RegExp][] = [
  ['cgroups where writable', {}, /memory\s+128 MiB\s+(cgroup v[12] memory limit|RLIMIT_AS)/],
  ['rlimits only', { DUALGAUGE_NO_CGROUPS: '1', DUALGAUGE_NO_INODE_CAPS: '1' }, /memory\s+128 MiB\s+RLIMIT_AS[\s\S]*inodes\s+\d+ per scratch dir\s+not enforced/],
];

describe.each(MECHANISMS)('limits with %s', (_name, env, header) => {
let project: Project;
let run: RunResult;
let lines: CaseLine[];

beforeAll(async () => {
  project = copyFixture('limits');
  run = await runVitest(project, { env });
  lines = readCases(project);
}, 300_000);

afterAll(() => project?.cleanup());

const outcome = (sample: number, id: string) => lines.find((l) => l.sample === sample && l.case === id)?.outcome;

test('the run header names the mechanism in force for each limit', () => {
  expect(run.output).toMatch(header);
  for (const limit of ['wall time', 'cpu time', 'memory', 'processes', 'open files', 'output', 'disk', 'inodes']) expect(run.output).toMatch(new RegExp(`\\n  ${limit}\\s+\\S`));
});

describe('each limit is its own outcome, and never takes the other cases down', () => {
  test('the run exits 0 (limit hits are candidate verdicts)', () => {
    expect(run.code, describeRun(run)).toBe(0);
  });

  test.each([
    [0, 'memory'],
    [1, 'processes'],
    [2, 'output'],
    [3, 'disk'],
    [4, 'timeout'],
    [5, 'timeout'],
  ])('candidate #%i hits its limit: %s, in both attack cases', (sample, want) => {
    expect(outcome(sample, 'attack')).toBe(want);
    expect(outcome(sample, 'attack-again')).toBe(want);
  });

  test.each([0, 1, 2, 3, 4, 5])('candidate #%i still passes the calm case after its attack', (sample) => {
    expect(outcome(sample, 'calm')).toBe('passed');
  });

  test('a timeout names the limit: CPU time for the busy loop, wall time for the sleeper', () => {
    const message = (sample: number) => lines.find((l) => l.sample === sample && l.case === 'attack')?.message ?? '';
    expect(message(4)).toMatch(/CPU time limit \(cpu_s: 1 s/);
    expect(message(5)).toMatch(/wall time limit \(timeout_ms: 2000 ms/);
  });

  test('outcome counts in the summary name each limit', () => {
    const row = readSummary(project).rows[0];
    expect(row.outcomes).toMatchObject({ memory: 2, processes: 2, output: 2, disk: 2, timeout: 4, passed: 6 });
  });

  test('no sandboxed process survives the run (the daemonized grandchild of #5 included)', () => {
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).not.toMatch(/\/sbx\/harness\/harness\.py/);
  });
});
});
