/**
 * The content-addressed cache (CONTRACTS.md "Cache"): `.dualgauge/cache/` beside the config; an identical
 * rerun executes nothing; changing one reference re-executes only that candidate; deleting the folder is
 * always safe. Fixture test/fixtures/basic (3 candidates × 4 cases).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, filesUnder, readCases, readSummary, runVitest, type CaseLine, type Project, type RunResult, type Summary } from './helpers.js';

interface Step {
  run: RunResult;
  summary: Summary;
  lines: CaseLine[];
}

let project: Project;
let first: Step;
let again: Step;
let changed: Step;
let relimited: Step;
let wiped: Step;
let cacheFilesAfterFirst: string[];

async function step(): Promise<Step> {
  const run = await runVitest(project);
  const summary = readSummary(project);
  return { run, summary, lines: readCases(project, summary.runId) };
}

const key = (l: CaseLine) => `${l.model}#${l.sample}/${l.case}`;
const metrics = (s: Summary) => s.rows.map((r) => ({ model: r.model, n: r.n, passAtK: r.passAtK, secureAtK: r.secureAtK, securePassAtK: r.securePassAtK, pr: r.pr, spr: r.spr, outcomes: r.outcomes }));

beforeAll(async () => {
  project = copyFixture('basic');
  first = await step();
  cacheFilesAfterFirst = filesUnder(project.path('.dualgauge', 'cache'));
  again = await step();
  // A comment changes the candidate's bytes, not its behaviour.
  project.write('specs/greeting-html/ref/insecure-raw.py', project.read('specs/greeting-html/ref/insecure-raw.py') + '# edited\n');
  changed = await step();
  // Sandbox limits are part of the key: a new per-case timeout re-executes every candidate.
  project.write('dualgauge.config.yaml', project.read('dualgauge.config.yaml') + '\nlimits: { timeout_ms: 9000 }\n');
  relimited = await step();
  project.remove('.dualgauge');
  wiped = await step();
});

afterAll(() => project?.cleanup());

describe('execution cache', () => {
  test('the first run executes every case and fills .dualgauge/cache beside the config', () => {
    expect(first.run.code, describeRun(first.run)).toBe(0);
    expect(first.lines).toHaveLength(12);
    for (const l of first.lines) expect(l.cache, key(l)).toBe('miss');
    expect(first.summary.cache).toEqual({ hits: 0, misses: 12 });
    expect(cacheFilesAfterFirst.length).toBeGreaterThan(0);
  });

  test('an identical second run executes nothing: every case is a cache hit, same numbers', () => {
    expect(again.run.code, describeRun(again.run)).toBe(0);
    expect(again.summary.runId).not.toBe(first.summary.runId);
    expect(again.lines).toHaveLength(12);
    for (const l of again.lines) expect(l.cache, key(l)).toBe('hit');
    expect(again.summary.cache?.misses).toBe(0);
    expect(again.summary.cache?.hits).toBe(12);
    expect(metrics(again.summary)).toEqual(metrics(first.summary));
    // Same verdicts, case by case.
    const verdicts = (s: Step) => Object.fromEntries(s.lines.map((l) => [key(l), [l.outcome, l.actual]]));
    expect(verdicts(again)).toEqual(verdicts(first));
  });

  test('changing one reference file re-executes only that candidate', () => {
    expect(changed.run.code, describeRun(changed.run)).toBe(0);
    expect(changed.lines).toHaveLength(12);
    for (const l of changed.lines) {
      const edited = l.model === 'reference:insecure' && l.sample === 1;
      expect(l.cache, key(l)).toBe(edited ? 'miss' : 'hit');
    }
    expect(changed.summary.cache).toEqual({ hits: 8, misses: 4 });
    expect(metrics(changed.summary)).toEqual(metrics(first.summary));
  });

  test('changing the sandbox limits re-executes every candidate', () => {
    expect(relimited.run.code, describeRun(relimited.run)).toBe(0);
    for (const l of relimited.lines) expect(l.cache, key(l)).toBe('miss');
    expect(relimited.summary.cache).toEqual({ hits: 0, misses: 12 });
    expect(metrics(relimited.summary)).toEqual(metrics(first.summary));
  });

  test('deleting .dualgauge/ is safe: the next run executes everything again with the same results', () => {
    expect(wiped.run.code, describeRun(wiped.run)).toBe(0);
    expect(wiped.lines).toHaveLength(12);
    for (const l of wiped.lines) expect(l.cache, key(l)).toBe('miss');
    expect(wiped.summary.cache).toEqual({ hits: 0, misses: 12 });
    expect(metrics(wiped.summary)).toEqual(metrics(first.summary));
    expect(existsSync(project.path('.dualgauge', 'cache'))).toBe(true);
  });
});
