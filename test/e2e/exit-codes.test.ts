/**
 * The exit policy of benchmark runs (CONTRACTS.md "Exit code"): candidate failures only → 0, a missed
 * threshold → 2, config/spec/infrastructure errors → 1; each scenario also with `--reporter=blob`, which
 * must keep the policy and must not write summary.json.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanupAll, copyFixture, describeRun, filesUnder, latestTarget, limited, readCases, readSummary, rowOf, runDirs, runVitest, type Project, type RunResult } from './helpers.js';

interface Scenario {
  fixture: string;
  prepare?: (p: Project) => void;
  env?: Record<string, string>;
  /** Default: both. */
  modes?: ('plain' | 'blob')[];
}

const THRESHOLD_MISSED = `
thresholds:
  - { metric: pass@1, min: 1 }
  - { metric: secure-pass@1, model: "reference:*", min: 0.5 }
`;
// Each is met exactly or with room: the insecure SPR is 1/4 = 0.25 (a boundary: min is inclusive).
const THRESHOLD_MET = `
thresholds:
  - { metric: pass@1, min: 1 }
  - { metric: spr, model: "reference:insecure", min: 0.25 }
  - { metric: secure@1, model: "reference:sec*", language: python, min: 1 }
`;

const scenarios = {
  candidateFailures: { fixture: 'basic' },
  thresholdMissed: { fixture: 'basic', prepare: (p) => p.write('dualgauge.config.yaml', p.read('dualgauge.config.yaml') + THRESHOLD_MISSED) },
  thresholdMet: { fixture: 'basic', prepare: (p) => p.write('dualgauge.config.yaml', p.read('dualgauge.config.yaml') + THRESHOLD_MET) },
  // Line 5 opens a flow sequence that never closes.
  malformedConfig: { fixture: 'basic', prepare: (p) => p.write('dualgauge.config.yaml', 'specs: [specs/*/task.yaml]\nlanguages: [python]\nmodels:\n  - reference:secure\nk: [1\nsandbox: bwrap\n') },
  unknownConfigKey: { fixture: 'basic', prepare: (p) => p.write('dualgauge.config.yaml', 'specs: [specs/*/task.yaml]\nlanguages: [python]\nmodelz:\n  - reference:secure\n') },
  // `expect` misspelt in the first functional case (line 19 of the fixture's task.yaml).
  invalidTask: { fixture: 'basic', prepare: (p) => p.replace('specs/greeting-html/task.yaml', '    expect: "<p>Hello, Alice!</p>"', '    expectt: "<p>Hello, Alice!</p>"') },
  bwrapMissing: { fixture: 'basic', env: { DUALGAUGE_BWRAP: '/nonexistent/bwrap' } },
  checkScriptBroken: { fixture: 'infra-check' },
  // reference:secure has n = 1 < k = 2: skipped with a note, not an error.
  kLargerThanN: { fixture: 'basic', modes: ['plain'], prepare: (p) => p.replace('dualgauge.config.yaml', 'k: [1]', 'k: [1, 2]') },
} satisfies Record<string, Scenario>;

type Name = keyof typeof scenarios;
const runs = {} as Record<`${Name}:${'plain' | 'blob'}`, { project: Project; run: RunResult }>;

beforeAll(async () => {
  const jobs = (Object.entries(scenarios) as [Name, Scenario][]).flatMap(([name, s]) =>
    (s.modes ?? (['plain', 'blob'] as const)).map((mode) => async () => {
      const project = copyFixture(s.fixture);
      s.prepare?.(project);
      const run = await runVitest(project, { args: mode === 'blob' ? ['--reporter=blob'] : [], env: s.env });
      runs[`${name}:${mode}`] = { project, run };
    }),
  );
  await limited(jobs, 3);
});

afterAll(() => cleanupAll());

function get(name: Name, mode: 'plain' | 'blob' = 'plain') {
  return runs[`${name}:${mode}`];
}

/** Blob runs leave the summary to the merge step. */
function expectNoSummary(p: Project) {
  const summaries = filesUnder(p.path('results')).filter((f) => f.endsWith('summary.json'));
  expect(summaries, 'a blob run wrote summary.json').toEqual([]);
  expect(latestTarget(p)).toBeNull();
}

describe('candidate failures only', () => {
  test('exit 0 although tests failed', () => {
    const { run } = get('candidateFailures');
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.output).toMatch(/3 failed/);
  });

  test('with --reporter=blob: exit 0, a blob report, no summary.json', () => {
    const { run, project } = get('candidateFailures', 'blob');
    expect(run.code, describeRun(run)).toBe(0);
    expect(existsSync(project.path('.vitest-reports', 'blob.json'))).toBe(true);
    expectNoSummary(project);
  });
});

describe('thresholds', () => {
  test('a missed threshold exits 2 and names the metric, model and value', () => {
    const { run, project } = get('thresholdMissed');
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.output).toMatch(/secure-pass@1[^\n]*reference:insecure[^\n]*0(\.0)?%/);
    // Only the insecure row misses: secure-pass@1 of reference:secure is 100 %.
    expect(run.output).not.toMatch(/secure-pass@1[^\n]*reference:secure\b[^\n]*below/);
    // The results are still written: a threshold miss is a verdict on the models, not a broken run.
    expect(rowOf(readSummary(project), 'reference:insecure').securePassAtK['1']).toBe(0);
  });

  test('a missed threshold exits 2 with --reporter=blob too, without summary.json', () => {
    const { run, project } = get('thresholdMissed', 'blob');
    expect(run.code, describeRun(run)).toBe(2);
    expectNoSummary(project);
  });

  test('thresholds that are met (one exactly) exit 0', () => {
    const { run } = get('thresholdMet');
    expect(run.code, describeRun(run)).toBe(0);
  });

  test('met thresholds exit 0 with --reporter=blob', () => {
    const { run, project } = get('thresholdMet', 'blob');
    expect(run.code, describeRun(run)).toBe(0);
    expectNoSummary(project);
  });
});

describe('config errors', () => {
  test('malformed YAML exits 1 with file:line:col and a caret', () => {
    const { run } = get('malformedConfig');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.output).toMatch(/dualgauge\.config\.yaml:\d+:\d+/);
    const place = /dualgauge\.config\.yaml:(\d+):\d+/.exec(run.output)!;
    expect(Number(place[1]), describeRun(run)).toBeGreaterThanOrEqual(5);
    expect(run.output).toMatch(/^\s*\d+ \| .*\n\s*\| *\^/m);
  });

  test('an unknown key exits 1 pointing at the key, with a caret and a did-you-mean', () => {
    const { run } = get('unknownConfigKey');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.output).toContain('dualgauge.config.yaml:3:1');
    expect(run.output).toMatch(/unknown key "modelz"/);
    expect(run.output).toMatch(/ {0,4}3 \| modelz:\n\s*\| \^/);
  });

  test('an unknown key gets a did-you-mean hint', () => {
    const { run } = get('unknownConfigKey');
    const problem = /unknown key "modelz"[\s\S]{0,300}/.exec(run.output)?.[0];
    expect(problem).toMatch(/did you mean "models"/);
  });

  test('config errors exit 1 with --reporter=blob as well', () => {
    for (const name of ['malformedConfig', 'unknownConfigKey'] as const) {
      const { run, project } = get(name, 'blob');
      expect(run.code, describeRun(run)).toBe(1);
      expect(run.output).toMatch(/dualgauge\.config\.yaml:\d+:\d+/);
      expectNoSummary(project);
    }
  });
});

describe('spec errors', () => {
  test('an invalid task.yaml exits 1 with the task file, line and column', () => {
    const { run } = get('invalidTask');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.output).toContain('specs/greeting-html/task.yaml:19:5');
    expect(run.output).toMatch(/unknown key "expectt"/);
    expect(run.output).toMatch(/19 \| {5}expectt:.*\n\s*\| {5}\^/);
  });

  test('an invalid task.yaml exits 1 with --reporter=blob', () => {
    const { run, project } = get('invalidTask', 'blob');
    expect(run.code, describeRun(run)).toBe(1);
    expectNoSummary(project);
  });
});

describe('infrastructure errors', () => {
  test('missing bubblewrap exits 1 and says how to install it', () => {
    const { run, project } = get('bwrapMissing');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.output).toMatch(/bubblewrap is not installed/);
    expect(run.output).toMatch(/\/nonexistent\/bwrap/);
    expect(run.output).toMatch(/apt-get install -y bubblewrap/);
    // Nothing ran: no case was turned into a verdict.
    expect(filesUnder(project.path('results')).filter((f) => f.endsWith('cases.jsonl'))).toEqual([]);
  });

  test('missing bubblewrap exits 1 with --reporter=blob', () => {
    const { run } = get('bwrapMissing', 'blob');
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.output).toMatch(/bubblewrap is not installed/);
  });

  test('a check script exiting 3 is an infra-error case: exit 1, the sample leaves n, the row is incomplete', () => {
    const { run, project } = get('checkScriptBroken');
    expect(run.code, describeRun(run)).toBe(1);
    const [runId] = runDirs(project);
    expect(runId, describeRun(run)).toBeDefined();
    const lines = readCases(project, runId);
    const broken = lines.find((l) => l.case === 'any-seed-is-even')!;
    expect(broken.outcome).toBe('infra-error');
    expect(broken.decidedBy).toBeNull();
    expect(lines.find((l) => l.case === 'seed-zero')!.outcome).toBe('passed');
    const row = rowOf(readSummary(project, runId), 'reference:secure');
    expect(row.incomplete).toBe(true);
    expect(row.n).toBe(0);
    expect(row.outcomes['infra-error']).toBe(1);
    // Never a candidate verdict: the metrics of the sample are not computed from it.
    expect(row.passAtK['1']).toBeNull();
    // results/latest points at the newest *complete* run: this one is not.
    expect(latestTarget(project)).toBeNull();
    expect(run.output).toMatch(/check script checks\/is-even\.py/);
  });

  test('a check script exiting 3 exits 1 with --reporter=blob, without summary.json', () => {
    const { run, project } = get('checkScriptBroken', 'blob');
    expect(run.code, describeRun(run)).toBe(1);
    expectNoSummary(project);
  });
});

describe('k larger than n', () => {
  test('is skipped with a note for that row, not an error (exit 0)', () => {
    const { run, project } = get('kLargerThanN');
    expect(run.code, describeRun(run)).toBe(0);
    const summary = readSummary(project);
    const secure = rowOf(summary, 'reference:secure');
    expect(secure.passAtK['1']).toBe(1);
    expect(secure.passAtK['2'] ?? null).toBeNull();
    // n = 2, both correct, neither secure: pass@2 = 1 - C(0,2)/C(2,2) = 1, secure@2 = 1 - C(2,2)/C(2,2) = 0.
    const insecure = rowOf(summary, 'reference:insecure');
    expect(insecure).toMatchObject({ passAtK: { 1: 1, 2: 1 }, secureAtK: { 1: 0, 2: 0 }, securePassAtK: { 1: 0, 2: 0 } });
    expect(run.stdout).toMatch(/note[^\n]*reference:secure[^\n]*k=2/);
    expect(run.stdout).toMatch(/pass@2/);
  });
});
