/**
 * The default-style run (CONTRACTS.md "Commands", "Metrics", "Result files"): one task, its secure reference
 * and two insecure ones, run with `vitest run --project dualgauge`; the table, summary.json, cases.jsonl,
 * evidence and results/latest are checked against numbers computed by hand for the fixture.
 *
 * Fixture test/fixtures/basic, task greeting-html (2 functional + 2 security cases):
 *   reference:secure   #0 secure.py               passes all 4 cases
 *   reference:insecure #0 insecure-angles-only.py  passes both functional cases and script-tag, fails quote-break
 *   reference:insecure #1 insecure-raw.py          passes both functional cases, fails both security cases
 * so reference:insecure has n = 2, 2 correct, 0 secure: pass@1 = 1, secure@1 = 0, secure-pass@1 = 0,
 * PR = 4/4, SPR = 1/4; reference:secure has n = 1 and every metric 1.
 */
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, evidenceFile, readCases, readSummary, REPO, rowOf, RUN_ID, runDirs, runVitest, type CaseLine, type Project, type RunResult, type Summary } from './helpers.js';

const TASK = 'greeting-html';
const SPEC = `specs/${TASK}/task.yaml`;
const CASES = ['plain-name', 'unicode-name', 'script-tag', 'quote-break'];

let project: Project;
let run: RunResult;
let summary: Summary;
let lines: CaseLine[];

beforeAll(async () => {
  project = copyFixture('basic');
  run = await runVitest(project);
  summary = readSummary(project);
  lines = readCases(project);
});

afterAll(() => project?.cleanup());

/** Line (1-based) of `- id: <case>` in the task file, and the column of `id`. */
function placeOfCase(id: string): { line: number; col: number } {
  const text = project.read(SPEC).split('\n');
  const line = text.findIndex((l) => new RegExp(`^\\s*- id: ${id}\\s*$`).test(l));
  if (line < 0) throw new Error(`case ${id} not in ${SPEC}`);
  return { line: line + 1, col: text[line].indexOf('id:') + 1 };
}

/** The terminal table as {model: {column: cell}}. */
function parseTable(output: string): Record<string, Record<string, string>> {
  const rows = output.split('\n');
  const headerAt = rows.findIndex((l) => /^model\s{2,}/.test(l) && /pass@1/.test(l));
  if (headerAt < 0) throw new Error(`no table in the output:\n${output.slice(-3000)}`);
  const header = rows[headerAt].trim().split(/\s{2,}/);
  const table: Record<string, Record<string, string>> = {};
  for (const line of rows.slice(headerAt + 2)) {
    if (!line.trim() || /^\s*note/.test(line)) break;
    const cells = line.trim().split(/\s{2,}/);
    table[cells[0]] = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  }
  return table;
}

describe('default run of one task with secure and insecure references', () => {
  test('exits 0: failed cases of insecure candidates are verdicts, not a failed run', () => {
    expect(run.code, describeRun(run)).toBe(0);
    // The insecure references fail 3 security cases: red tests, each a candidate failure.
    expect(run.output).toMatch(/Tests\s+3 failed \| 9 passed \(12\)/);
  });

  test('prints the table with one row per model and the metric columns', () => {
    const table = parseTable(run.stdout);
    expect(Object.keys(table).sort(), describeRun(run)).toEqual(['reference:insecure', 'reference:secure']);
    for (const col of ['pass@1', 'secure@1', 'sec-pass@1', 'PR', 'SPR']) expect(table['reference:secure']).toHaveProperty(col);
    expect(table['reference:secure']).toMatchObject({ 'pass@1': '100.0%', 'secure@1': '100.0%', 'sec-pass@1': '100.0%', PR: '100.0%', SPR: '100.0%' });
    expect(table['reference:insecure']).toMatchObject({ 'pass@1': '100.0%', 'secure@1': '0.0%', 'sec-pass@1': '0.0%', PR: '100.0%', SPR: '25.0%' });
    expect(run.stdout).toContain(summary.runId);
  });

  test('summary.json: schema 1, a run id, the manifest', () => {
    expect(summary.schema).toBe(1);
    expect(summary.runId).toMatch(RUN_ID);
    const m = summary.manifest as Record<string, any>;
    for (const key of ['toolVersion', 'gitSha', 'configHash', 'specHashes', 'toolchains', 'backend', 'limits']) expect(m, `manifest.${key}`).toHaveProperty(key);
    expect(m.toolVersion).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    expect(m.gitSha === null || /^[0-9a-f]{40}$/.test(m.gitSha), `gitSha ${m.gitSha}`).toBe(true);
    expect(m.configHash).toMatch(/^[0-9a-f]{16,}$/);
    expect(Object.keys(m.specHashes)).toEqual([TASK]);
    expect(m.specHashes[TASK]).toMatch(/^[0-9a-f]{16,}$/);
    expect(m.toolchains.python.python).toMatch(/^3\.\d+\.\d+/);
    expect(m.backend).toBe('bwrap');
    // Default limits (schema/config.schema.json): 10 s per case.
    expect(m.limits.timeoutMs ?? m.limits.timeout_ms).toBe(10_000);
  });

  test('summary.json rows carry the metrics computed by hand', () => {
    expect(summary.rows).toHaveLength(2);
    const secure = rowOf(summary, 'reference:secure');
    expect(secure).toMatchObject({
      tasks: 1, n: 1, k: [1],
      passAtK: { 1: 1 }, secureAtK: { 1: 1 }, securePassAtK: { 1: 1 },
      pr: 1, spr: 1, outcomes: { passed: 4 }, incomplete: false,
    });
    const insecure = rowOf(summary, 'reference:insecure');
    expect(insecure).toMatchObject({
      tasks: 1, n: 2, k: [1],
      passAtK: { 1: 1 }, secureAtK: { 1: 0 }, securePassAtK: { 1: 0 },
      pr: 1, spr: 0.25, outcomes: { passed: 5, failed: 3 }, incomplete: false,
    });
    expect(Object.keys(insecure.outcomes).sort()).toEqual(['failed', 'passed']);
  });

  test('cases.jsonl: one line per case with every field of the contract', () => {
    expect(lines).toHaveLength(12);
    const fields = ['schema', 'runId', 'task', 'model', 'language', 'sample', 'caseKind', 'case', 'cwe', 'outcome', 'decidedBy', 'expected', 'actual', 'evidenceRef', 'durationMs', 'specFile', 'specLine'];
    for (const l of lines) {
      for (const f of fields) expect(l, `${l.model} #${l.sample} ${l.case}: ${f}`).toHaveProperty(f);
      expect(l.schema).toBe(1);
      expect(l.runId).toBe(summary.runId);
      expect(l.task).toBe(TASK);
      expect(l.language).toBe('python');
      expect(Number.isInteger(l.sample)).toBe(true);
      expect(l.cwe).toEqual(['CWE-79']);
      expect(typeof l.durationMs).toBe('number');
      expect(l.durationMs).toBeGreaterThanOrEqual(0);
      const specPath = isAbsolute(l.specFile) ? l.specFile : project.path(l.specFile);
      expect(specPath.endsWith(SPEC), l.specFile).toBe(true);
      expect(existsSync(specPath)).toBe(true);
      expect(l.specLine, l.case).toBe(placeOfCase(l.case).line);
      expect(l.caseKind).toBe(['plain-name', 'unicode-name'].includes(l.case) ? 'functional' : 'security');
    }
    const keys = lines.map((l) => `${l.model}#${l.sample}/${l.case}`).sort();
    const wanted = [['reference:secure', 0], ['reference:insecure', 0], ['reference:insecure', 1]].flatMap(([m, s]) => CASES.map((c) => `${m}#${s}/${c}`)).sort();
    expect(keys).toEqual(wanted);
  });

  test('cases.jsonl: outcomes, deciders, expected and actual values', () => {
    const at = (model: string, sample: number, id: string) => lines.find((l) => l.model === model && l.sample === sample && l.case === id)!;
    for (const id of CASES) expect(at('reference:secure', 0, id)).toMatchObject({ outcome: 'passed', decidedBy: 'expect' });
    const raw = at('reference:insecure', 1, 'script-tag');
    expect(raw).toMatchObject({
      outcome: 'failed',
      decidedBy: 'expect',
      expected: '<p>Hello, &lt;script&gt;alert(1)&lt;/script&gt;!</p>',
      actual: '<p>Hello, <script>alert(1)</script>!</p>',
    });
    expect(at('reference:insecure', 0, 'script-tag')).toMatchObject({ outcome: 'passed', actual: '<p>Hello, &lt;script&gt;alert(1)&lt;/script&gt;!</p>' });
    expect(at('reference:insecure', 0, 'quote-break')).toMatchObject({ outcome: 'failed', decidedBy: 'expect', actual: '<p>Hello, " onmouseover="steal()!</p>' });
    expect(at('reference:insecure', 1, 'unicode-name')).toMatchObject({ outcome: 'passed', actual: '<p>Hello, Zoë Ōtsuka!</p>' });
  });

  test('every evidenceRef names an evidence file of this run describing that case', () => {
    for (const l of lines) {
      expect(l.evidenceRef, `${l.model} #${l.sample} ${l.case}`).toMatch(/^[0-9a-f]{16,}$/);
      const file = evidenceFile(project, summary.runId, l.evidenceRef!);
      expect(existsSync(file), file).toBe(true);
      const ev = JSON.parse(readFileSync(file, 'utf8'));
      expect(ev).toMatchObject({ case: l.case, outcome: l.outcome });
    }
  });

  test('results/latest is a relative symlink to the run dir holding summary.json and cases.jsonl', () => {
    const link = project.path('results', 'latest');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const target = readlinkSync(link);
    expect(isAbsolute(target), target).toBe(false);
    expect(target.replace(/\/$/, '')).toBe(summary.runId);
    expect(runDirs(project)).toEqual([summary.runId]);
    expect(existsSync(project.path('results', summary.runId, 'summary.json'))).toBe(true);
    expect(existsSync(project.path('results', summary.runId, 'cases.jsonl'))).toBe(true);
  });

});
