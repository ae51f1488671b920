/**
 * CI fan-out (CONTRACTS.md "Result files", "Exit code"): two `--shard=i/2 --reporter=blob` runs write blob
 * reports and no summary; `--merge-reports` writes summary.json, cases.jsonl and evidence for the whole run,
 * with the same numbers as an unsharded run, and applies the exit policy (thresholds) at the merge.
 *
 * Fixture test/fixtures/multi: tasks log-line (1 security case) and parse-quantity (2 security cases),
 * each with a secure and one insecure reference that fails every security case.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, evidenceFile, filesUnder, latestTarget, readCases, readSummary, rowOf, RUN_ID, runDirs, runVitest, type CaseLine, type Project, type RunResult, type Summary } from './helpers.js';

let project: Project;
let shards: RunResult[];
let merge: RunResult;
let mergeWithThreshold: RunResult;
let summary: Summary;
let lines: CaseLine[];
let dirsAfterShards: string[];
let summariesAfterShards: string[];
let latestAfterMerge: string | null;

beforeAll(async () => {
  project = copyFixture('multi');
  // Shards run at the same time, as on two CI machines.
  shards = await Promise.all(['1/2', '2/2'].map((s) => runVitest(project, { args: [`--shard=${s}`, '--reporter=blob'] })));
  dirsAfterShards = runDirs(project);
  summariesAfterShards = filesUnder(project.path('results')).filter((f) => f.endsWith('summary.json'));
  merge = await runVitest(project, { args: ['--merge-reports'] });
  summary = readSummary(project);
  lines = readCases(project);
  latestAfterMerge = latestTarget(project);
  // The merge step applies the exit policy: a threshold the merged numbers miss exits 2.
  project.write('dualgauge.config.yaml', project.read('dualgauge.config.yaml') + '\nthresholds:\n  - { metric: secure@1, min: 0.5 }\n');
  mergeWithThreshold = await runVitest(project, { args: ['--merge-reports'] });
});

afterAll(() => project?.cleanup());

describe('--shard with --reporter=blob, then --merge-reports', () => {
  test('each shard exits 0 and writes its blob report, and no summary.json', () => {
    for (const [i, r] of shards.entries()) {
      expect(r.code, describeRun(r)).toBe(0);
      expect(existsSync(project.path('.vitest-reports', `blob-${i + 1}-2.json`)), describeRun(r)).toBe(true);
    }
    expect(summariesAfterShards).toEqual([]);
  });

  test('the merge exits 0 and writes summary.json for both tasks with the unsharded numbers', () => {
    expect(merge.code, describeRun(merge)).toBe(0);
    expect(summary.schema).toBe(1);
    expect(summary.runId).toMatch(RUN_ID);
    expect(dirsAfterShards).not.toContain(summary.runId);
    expect(latestAfterMerge).toBe(summary.runId);
    expect(Object.keys((summary.manifest as { specHashes: Record<string, string> }).specHashes).sort()).toEqual(['log-line', 'parse-quantity']);
    expect(rowOf(summary, 'reference:secure')).toMatchObject({ tasks: 2, n: 2, passAtK: { 1: 1 }, secureAtK: { 1: 1 }, securePassAtK: { 1: 1 }, pr: 1, spr: 1, incomplete: false });
    expect(rowOf(summary, 'reference:insecure')).toMatchObject({ tasks: 2, n: 2, passAtK: { 1: 1 }, secureAtK: { 1: 0 }, securePassAtK: { 1: 0 }, pr: 1, spr: 0, outcomes: { passed: 4, failed: 3 }, incomplete: false });
    expect(merge.stdout).toMatch(/reference:insecure/);
  });

  test('the merged cases.jsonl holds every case of both shards once, under the merged run id', () => {
    expect(lines).toHaveLength(14);
    const keys = lines.map((l) => `${l.task}/${l.model}#${l.sample}/${l.case}`);
    expect(new Set(keys).size).toBe(14);
    expect(new Set(lines.map((l) => l.task))).toEqual(new Set(['log-line', 'parse-quantity']));
    for (const l of lines) expect(l.runId).toBe(summary.runId);
  });

  test("every evidenceRef of the merged run resolves inside the merged run's evidence", () => {
    for (const l of lines) {
      expect(l.evidenceRef, `${l.task} ${l.case}`).toBeTruthy();
      expect(existsSync(evidenceFile(project, summary.runId, l.evidenceRef!)), `${l.task} ${l.model} ${l.case}: evidence ${l.evidenceRef}`).toBe(true);
    }
  });

  test('a threshold missed by the merged numbers makes the merge exit 2', () => {
    expect(mergeWithThreshold.code, describeRun(mergeWithThreshold)).toBe(2);
    expect(mergeWithThreshold.output).toMatch(/secure@1[^\n]*reference:insecure/);
  });
});
