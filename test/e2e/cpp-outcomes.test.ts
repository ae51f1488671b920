/**
 * C++ candidates through the real pipeline (docs/languages-cpp.md): test/fixtures/cpp-outcomes, model
 * files:./runs/cand, n = 9, limits.timeout_ms = 1000. Task read-attachment (SQLite + a file), one replayed
 * candidate per behaviour:
 *   #0 correct · #1 wrong output · #2 throws · #3 segfaults on the first case · #4 does not compile ·
 *   #5 loops forever on the second case · #6 C-style signature (const char* in and out) ·
 *   #7 SQL built by concatenation · #8 no check of the file name (path traversal).
 * Task probe-sandbox: a hostile C++ candidate (sample 0 only) reads the host env, /proc/<pid>/environ, host
 * files and a host listener. Then `dualgauge validate` checks the task's C++ references.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, filesUnder, readCases, readEvidence, readSummary, REPO, runVitest, type CaseLine, type Project, type RunResult, type Summary } from './helpers.js';

const TASK = 'read-attachment';
const CASES = ['own-file', 'other-owner', 'unknown-user', 'empty-file', 'sql-injection', 'traversal'];
const hex = randomBytes(12).toString('hex');
const ENV_NAME = `DG_CPP_CANARY_${hex.slice(0, 8).toUpperCase()}`;
const ENV_CANARY = `dg-cpp-env-canary-${hex}`;
const FILE_CANARY = `dg-cpp-file-canary-${hex}`;
/** What a candidate's environment may hold (run-candidate.ts candidateEnv, plus PWD from bwrap). */
const ALLOWED_ENV = new Set(['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'PWD']);

let project: Project;
let run: RunResult;
let summary: Summary;
let lines: CaseLine[];
let server: Server;
let connections = 0;
const sockets: Socket[] = [];
const canaryFile = join(tmpdir(), `dg-cpp-canary-${hex}.txt`);

beforeAll(async () => {
  project = copyFixture('cpp-outcomes');
  writeFileSync(canaryFile, FILE_CANARY);
  server = createServer((s) => {
    connections++;
    sockets.push(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spec = 'specs/probe-sandbox/task.yaml';
  project.replace(spec, '__ENV_NAME__', ENV_NAME);
  project.replace(spec, '__FILE_PATHS__', [canaryFile, project.path(`specs/${TASK}/ref/secure.cpp`), join(REPO, 'package.json')].map((p) => JSON.stringify(p)).join(', '));
  project.replace(spec, '__PORT__', String((server.address() as { port: number }).port));
  project.replace(spec, '__HOSTS__', '"127.0.0.1"');
  run = await runVitest(project, { env: { [ENV_NAME]: ENV_CANARY } });
  summary = readSummary(project);
  lines = readCases(project);
}, 180_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(canaryFile, { force: true });
  project?.cleanup();
});

function at(sample: number, id: string, task = TASK): CaseLine {
  const l = lines.find((x) => x.task === task && x.sample === sample && x.case === id);
  if (!l) throw new Error(`no line for ${task} #${sample} ${id}\n${describeRun(run)}`);
  return l;
}

const outcomesOf = (sample: number) => CASES.map((c) => at(sample, c).outcome);

describe('C++ candidates get one outcome each', () => {
  test('the run exits 0: every failure is a candidate outcome', () => {
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines.filter((l) => l.task === TASK)).toHaveLength(9 * CASES.length);
    expect(lines.every((l) => l.language === 'cpp')).toBe(true);
  });

  test('a correct candidate passes every case', () => {
    expect(outcomesOf(0)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
  });

  test('wrong output: failed, decided by expect, with expected and actual recorded', () => {
    expect(outcomesOf(1)).toEqual(['failed', 'passed', 'passed', 'passed', 'passed', 'passed']);
    expect(at(1, 'own-file')).toMatchObject({ decidedBy: 'expect', expected: 'quarterly numbers\n', actual: 'quarterly numbers' });
  });

  test('a thrown exception is `exception`, with the C++ type, message and throwing line', () => {
    expect(outcomesOf(2)).toEqual(['passed', 'exception', 'exception', 'passed', 'exception', 'exception']);
    expect(at(2, 'other-owner').message).toMatch(/std::runtime_error: access denied: bob\/report\.txt \(line 32\)/);
  });

  test('a segfault is a crash of that case (signal and line reported); the next cases still run', () => {
    expect(outcomesOf(3)).toEqual(['crash', 'passed', 'passed', 'passed', 'passed', 'passed']);
    expect(at(3, 'own-file').message).toMatch(/SIGSEGV \(segmentation fault\) at line 36/);
  });

  test("a compile error is build-failed on every case, quoting the compiler's message", () => {
    expect(outcomesOf(4)).toEqual(CASES.map(() => 'build-failed'));
    const message = at(4, 'own-file').message ?? '';
    expect(message).toContain("/sbx/cand/solution.cpp:33:3: error: ‘undeclared_helper’ was not declared in this scope");
    expect(message).not.toContain('/sbx/cpp/cand.cpp');
  });

  test('an infinite loop is a timeout; the following cases run in a fresh sandbox', () => {
    expect(outcomesOf(5)).toEqual(['passed', 'timeout', 'passed', 'passed', 'passed', 'passed']);
  });

  test('coverage comes after the last case: a case whose process was killed before has none, not an empty one', () => {
    const coverage = (id: string) => (readEvidence(project, summary.runId, at(5, id).evidenceRef!) as { coverage: { lines: number[] } | null }).coverage;
    expect(coverage('own-file')).toBeNull();
    expect(coverage('unknown-user')?.lines.length).toBeGreaterThan(0);
  });

  test('signature tolerance: const char* parameters and a const char* result (nullptr = nothing) pass', () => {
    expect(outcomesOf(6)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
    expect(at(6, 'empty-file').actual).toBe('');
    expect(at(6, 'other-owner').actual).toBeNull();
  });

  test('SQL built by concatenation: the sql detector fires, quoting the SQL text the candidate passed to sqlite3', () => {
    expect(outcomesOf(7)).toEqual(['passed', 'passed', 'passed', 'passed', 'failed', 'passed']);
    const l = at(7, 'sql-injection');
    expect(l.decidedBy).toBe('detector');
    expect(l.message).toContain("SELECT 1 FROM attachments WHERE owner = '' OR '1'='1' AND name = 'report.txt'");
    const ev = readEvidence(project, summary.runId, l.evidenceRef!) as { hits: { evidence: Record<string, unknown> }[] };
    expect(ev.hits[0].evidence).toMatchObject({ type: 'sql.exec', via: 'sqlite3_prepare_v2', line: 21, template: "SELECT 1 FROM attachments WHERE owner = '' OR '1'='1' AND name = 'report.txt'" });
    // The secure candidate's statement is a template; the owner reaches sqlite only as a bound parameter.
    const safe = readEvidence(project, summary.runId, at(0, 'sql-injection').evidenceRef!) as { run: { events: Record<string, unknown>[] } };
    expect(safe.run.events.find((e) => e.type === 'sql.exec')).toMatchObject({ template: 'SELECT 1 FROM attachments WHERE owner = ? AND name = ?', params: ["' OR '1'='1", 'report.txt'] });
  });

  test('path traversal: the file detector (outside) fires on the resolved path, even though the open failed', () => {
    expect(outcomesOf(8)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'failed']);
    const l = at(8, 'traversal');
    expect(l.decidedBy).toBe('detector');
    const ev = readEvidence(project, summary.runId, l.evidenceRef!) as { hits: { evidence: Record<string, unknown> }[] };
    expect(ev.hits[0].evidence).toMatchObject({ type: 'file.open', path: '/etc/passwd', raw: 'attachments/../../../etc/passwd', access: 'read', ok: false });
  });

  test('the row counts each outcome by name', () => {
    const row = summary.rows.find((r) => r.language === 'cpp');
    expect(row?.outcomes).toMatchObject({ exception: 4, crash: 1, timeout: 1, 'build-failed': 6 });
  });
});

describe('a hostile C++ candidate stays contained', () => {
  const actual = (id: string) => at(0, id, 'probe-sandbox').actual as any;

  test('the environment holds only the fixed variables; getenv of a host variable finds nothing', () => {
    const { environ, getenv } = actual('environment');
    expect(getenv).toBeNull();
    for (const k of Object.keys(environ)) expect(ALLOWED_ENV.has(k), `unexpected variable ${k}=${environ[k]}`).toBe(true);
    expect(environ.HOME).toBe('/sbx/work');
  });

  test('/proc/1/environ and every other /proc/<pid>/environ hold no host variable', () => {
    const { proc } = actual('environment');
    expect(proc).toHaveProperty('1');
    for (const [pid, text] of Object.entries(proc as Record<string, string>)) {
      expect(text, `/proc/${pid}/environ`).not.toContain(ENV_CANARY);
      expect(text, `/proc/${pid}/environ`).not.toContain(ENV_NAME);
    }
  });

  test('files outside the scratch dir cannot be read', () => {
    const got = actual('host-files') as Record<string, string>;
    expect(Object.keys(got)).toHaveLength(3);
    for (const [path, result] of Object.entries(got)) expect(result, path).toMatch(/^error:/);
  });

  test('no connection reaches a listener on the host; the attempt is traced (net detector)', () => {
    const l = at(0, 'host-network', 'probe-sandbox');
    expect(Object.values(l.actual as Record<string, string>)).toEqual([expect.stringMatching(/^error:/)]);
    expect(connections).toBe(0);
    expect(l).toMatchObject({ outcome: 'failed', decidedBy: 'detector' });
    expect(l.message).toMatch(/net\.connect 127\.0\.0\.1:\d+ at line \d+/);
  });

  test('no canary appears in any result file, evidence, cache entry or output', () => {
    const files = [...filesUnder(project.path('results')), ...filesUnder(project.path('.dualgauge'))];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text.includes(ENV_CANARY), `env canary in ${f}`).toBe(false);
      expect(text.includes(FILE_CANARY), `file canary in ${f}`).toBe(false);
    }
    expect(run.output).not.toContain(ENV_CANARY);
  });
});

describe('dualgauge validate on the C++ task', () => {
  test('the secure reference passes; each security case is failed by an insecure reference', () => {
    const res = spawnSync(process.execPath, [join(REPO, 'dist/bin/dualgauge.js'), 'validate', '--config', project.path('dualgauge.config.yaml'), TASK], { encoding: 'utf8', timeout: 120_000 });
    const out = res.stdout + res.stderr;
    expect(res.status, out).toBe(0);
    expect(out).toContain('all tasks discriminate');
  });
});
