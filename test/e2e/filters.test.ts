/**
 * Vitest's own filters and DualGauge's selections (CONTRACTS.md "Tests and metadata", "Suites",
 * "Config location"): -t, --tags-filter, a file filter, --project <suite>, DUALGAUGE_CONFIG.
 *
 * Fixture test/fixtures/multi: tasks log-line (functional plain-user, spaced-user; security forged-entry,
 * CWE-117) and parse-quantity (functional single-digit, upper-bound; security huge-quantity,
 * negative-quantity, CWE-20), models reference:secure and reference:insecure (one sample each);
 * suites/quick.yaml = log-* with reference:secure only; alt/dualgauge.config.yaml = its own task trim-title,
 * results in alt/out, cache in alt/cache.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanupAll, copyFixture, describeRun, filesUnder, limited, readCases, readSummary, runVitest, type CaseLine, type Project, type RunOptions, type RunResult, type Summary } from './helpers.js';

interface Outcome {
  project: Project;
  run: RunResult;
  summary?: Summary;
  lines: CaseLine[];
}

type Plan = RunOptions & { results?: string; prepare?: (p: Project) => void };

const plans = {
  byName: { args: ['-t', 'functional/plain-user'] },
  securityTag: { args: ['--tags-filter', 'security'] },
  cweAndLanguage: { args: ['--tags-filter', 'cwe-117 && python'] },
  byFile: { args: ['specs/parse-quantity'] },
  suite: { project: 'quick' },
  altConfig: { env: { DUALGAUGE_CONFIG: 'alt/dualgauge.config.yaml' }, results: 'alt/out' },
  missingConfig: { env: { DUALGAUGE_CONFIG: 'alt/missing.config.yaml' } },
  // suites/dualgauge.yaml, when it exists, defines the default project.
  dualgaugeSuiteFile: { prepare: (p) => p.write('suites/dualgauge.yaml', 'specs: [parse-*]\n') },
  // A suite narrows the config, never widens it: a model the config does not run is an error.
  widening: { project: 'wide', prepare: (p) => p.write('suites/wide.yaml', 'specs: [log-line]\nmodels: [reference:secure, files:./elsewhere]\n') },
} satisfies Record<string, Plan>;

const done = {} as Record<keyof typeof plans, Outcome>;

beforeAll(async () => {
  // One copy per run: identical plans started in the same second would share a run id.
  await limited(
    (Object.entries(plans) as [keyof typeof plans, Plan][]).map(([name, opts]) => async () => {
      const project = copyFixture('multi');
      opts.prepare?.(project);
      const run = await runVitest(project, opts);
      const results = opts.results ?? 'results';
      const hasSummary = existsSync(project.path(results, 'latest', 'summary.json'));
      done[name] = {
        project,
        run,
        summary: hasSummary ? readSummary(project, 'latest', results) : undefined,
        lines: hasSummary ? readCases(project, 'latest', results) : [],
      };
    }),
    3,
  );
});

afterAll(() => cleanupAll());

const names = (lines: CaseLine[]) => lines.map((l) => `${l.task}/${l.model}/${l.caseKind}/${l.case}`).sort();

describe('Vitest filters select cases', () => {
  test("-t 'functional/<case>' runs only that case, for every model", () => {
    const { run, lines } = done.byName;
    expect(run.code, describeRun(run)).toBe(0);
    expect(names(lines)).toEqual(['log-line/reference:insecure/functional/plain-user', 'log-line/reference:secure/functional/plain-user']);
  });

  test("--tags-filter 'security' runs only security cases", () => {
    const { run, lines, summary } = done.securityTag;
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(l.caseKind).toBe('security');
    expect(new Set(lines.map((l) => l.case))).toEqual(new Set(['forged-entry', 'huge-quantity', 'negative-quantity']));
    // No functional case ran: pass@1 and PR say nothing (not 0, not 1).
    const insecure = summary!.rows.find((r) => r.model === 'reference:insecure')!;
    expect(insecure.passAtK['1'] ?? null).toBeNull();
    expect(insecure.pr).toBeNull();
    expect(insecure.secureAtK['1']).toBe(0);
  });

  test("--tags-filter 'cwe-117 && python' runs only the CWE-117 task", () => {
    const { run, lines } = done.cweAndLanguage;
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines).toHaveLength(6);
    for (const l of lines) expect(l.task).toBe('log-line');
  });

  test('a file filter (specs/<task>) runs only that task', () => {
    const { run, lines, summary } = done.byFile;
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines).toHaveLength(8);
    for (const l of lines) expect(l.task).toBe('parse-quantity');
    for (const r of summary!.rows) expect(r.tasks).toBe(1);
  });
});

describe('suites and config location', () => {
  test('--project <suite> runs the tasks and models of suites/<suite>.yaml', () => {
    const { run, lines, summary } = done.suite;
    expect(run.code, describeRun(run)).toBe(0);
    expect(names(lines)).toEqual([
      'log-line/reference:secure/functional/plain-user',
      'log-line/reference:secure/functional/spaced-user',
      'log-line/reference:secure/security/forged-entry',
    ]);
    expect(summary!.rows.map((r) => r.model)).toEqual(['reference:secure']);
    expect(run.stdout).toMatch(/\bquick\b/);
  });

  test('DUALGAUGE_CONFIG in a subfolder: its specs, results and cache are relative to that config file', () => {
    const { run, lines, summary, project } = done.altConfig;
    expect(run.code, describeRun(run)).toBe(0);
    expect(summary, 'no alt/out/latest/summary.json').toBeDefined();
    expect(names(lines)).toEqual(['trim-title/reference:secure/functional/padded-title']);
    expect(summary!.rows.map((r) => r.model)).toEqual(['reference:secure']);
    expect(Object.keys((summary!.manifest as { specHashes: object }).specHashes)).toEqual(['trim-title']);
    expect(lines[0].outcome).toBe('passed');
    // Nothing lands beside the cwd's own config.
    expect(existsSync(project.path('results'))).toBe(false);
    expect(existsSync(project.path('.dualgauge'))).toBe(false);
    expect(filesUnder(project.path('alt', 'cache')).length).toBeGreaterThan(0);
  });

  test('suites/dualgauge.yaml, when present, narrows the default project', () => {
    const { run, lines } = done.dualgaugeSuiteFile;
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines).toHaveLength(8);
    for (const l of lines) expect(l.task).toBe('parse-quantity');
  });

  test('a suite that would widen the config (a model the config does not have) is an error: exit 1 at its line', () => {
    const { run } = done.widening;
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.output).toMatch(/suites\/wide\.yaml:2:\d+/);
    expect(run.output).toContain('files:./elsewhere');
  });

  test('a DUALGAUGE_CONFIG naming a missing file is a config error (exit 1), never a fallback', () => {
    const { run, project } = done.missingConfig;
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.output).toMatch(/DUALGAUGE_CONFIG/);
    expect(run.output).toContain('alt/missing.config.yaml');
    expect(existsSync(project.path('results'))).toBe(false);
  });
});
