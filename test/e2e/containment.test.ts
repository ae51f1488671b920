/**
 * Sandbox containment (ARCHITECTURE.md "The candidate is hostile", SANDBOX-NOTES.md §1): a replayed hostile
 * candidate (test/fixtures/containment) tries to read the host's env (also through /proc/<pid>/environ),
 * files outside its scratch dir, the network and the expected values, and returns what it got. The test
 * plants canaries and checks that none reaches any result file, and that every attempt saw an error.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, filesUnder, readCases, readSummary, REPO, runVitest, listenEverywhere, type CaseLine, type Listener, type Project, type RunResult } from './helpers.js';

const SPEC = 'specs/probe-sandbox/task.yaml';
const hex = randomBytes(12).toString('hex');
const ENV_CANARY = `dg-env-canary-${hex}`;
const TMP_CANARY = `dg-tmpfile-canary-${hex}`;
const PROJECT_CANARY = `dg-projectfile-canary-${hex}`;
const EXPECTED_CANARY = `EXPECTED-${hex}`;
/** What a candidate's environment may hold (run-candidate.ts candidateEnv, plus what a shell adds). */
const ALLOWED_ENV = new Set(['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'PWD', 'LC_CTYPE']);

let project: Project;
let run: RunResult;
let lines: CaseLine[];
let listener: Listener;
const tmpCanaryFile = join(tmpdir(), `dg-e2e-canary-${hex}.txt`);
let projectCanaryFile: string;
let hosts: string[];

function actualOf(id: string): any {
  const l = lines.find((x) => x.case === id);
  if (!l) throw new Error(`no case line for ${id}`);
  return l.actual;
}

beforeAll(async () => {
  project = copyFixture('containment');
  writeFileSync(tmpCanaryFile, TMP_CANARY);
  projectCanaryFile = project.path(`canary-${hex}.txt`);
  writeFileSync(projectCanaryFile, PROJECT_CANARY);
  listener = await listenEverywhere();
  const port = listener.port;
  hosts = listener.hosts;
  const paths = [tmpCanaryFile, projectCanaryFile, project.path(SPEC), project.path('specs/probe-sandbox/ref/secure.py'), join(REPO, 'package.json'), '/etc/hostname'];
  const reversed = hex.split('').reverse().join('');
  project.replace(SPEC, '__FILE_PATHS__', paths.map((p) => JSON.stringify(p)).join(', '));
  project.replace(SPEC, '__PORT__', String(port));
  project.replace(SPEC, '__HOSTS__', hosts.map((h) => JSON.stringify(h)).join(', '));
  project.replace(SPEC, '__GREP_ARG__', `{ prefix: "EXPECTED-", reversed: "${reversed}" }`);
  project.replace(SPEC, '__EXPECT_CANARY__', JSON.stringify(EXPECTED_CANARY));
  run = await runVitest(project, { env: { DG_CANARY_SECRET: ENV_CANARY } });
  lines = readCases(project);
});

afterAll(async () => {
  await listener?.close();
  rmSync(tmpCanaryFile, { force: true });
  project?.cleanup();
});

/** Every file the run wrote (results, evidence, cache) plus its terminal output. */
function everythingWritten(): { name: string; text: string }[] {
  const files = [...filesUnder(project.path('results')), ...filesUnder(project.path('.dualgauge'))];
  return [...files.map((f) => ({ name: f, text: readFileSync(f, 'utf8') })), { name: '<terminal output>', text: run.output }];
}

describe('a hostile candidate stays contained', () => {
  test('the run completes (exit 0) and every probe returned a result', () => {
    expect(run.code, describeRun(run)).toBe(0);
    for (const id of ['environment', 'host-files', 'host-network', 'sandbox-listing', 'expected-values-hidden']) {
      const l = lines.find((x) => x.case === id);
      expect(l?.outcome, `${id}: ${l?.message}`).toBe('passed');
    }
    // The decoy's expected value is not what the candidate returns: a plain candidate failure.
    expect(lines.find((x) => x.case === 'expected-value-decoy')?.outcome).toBe('failed');
    // The summary's rows exist (the run really produced results to search).
    expect(readSummary(project).rows).toHaveLength(1);
  });

  test('no canary (host env, host files) appears in any result file, evidence, cache entry or output', () => {
    for (const { name, text } of everythingWritten()) {
      for (const canary of [ENV_CANARY, TMP_CANARY, PROJECT_CANARY]) expect(text.includes(canary), `${canary} found in ${name}`).toBe(false);
    }
  });

  test("the candidate's environment holds only the fixed variables", () => {
    const { environ } = actualOf('environment');
    expect(environ).toBeTypeOf('object');
    expect(environ).not.toHaveProperty('DG_CANARY_SECRET');
    for (const k of Object.keys(environ)) expect(ALLOWED_ENV.has(k), `unexpected variable ${k}=${environ[k]}`).toBe(true);
    expect(environ.HOME).toBe('/sbx/work');
  });

  test('/proc/1/environ and every other /proc/<pid>/environ hold no host variable', () => {
    const { proc } = actualOf('environment');
    expect(proc).toHaveProperty('1');
    for (const [pid, text] of Object.entries(proc as Record<string, string>)) {
      expect(text, `/proc/${pid}/environ`).not.toContain(ENV_CANARY);
      expect(text, `/proc/${pid}/environ`).not.toContain('DG_CANARY_SECRET');
    }
  });

  test('/proc/<pid>/environ shows no host value such as the host working directory', () => {
    const { proc } = actualOf('environment');
    for (const [pid, text] of Object.entries(proc as Record<string, string>)) {
      if (!text.startsWith('read:')) continue;
      const vars = text.slice(5).split('\0').filter(Boolean);
      for (const v of vars) {
        const name = v.split('=')[0];
        expect(ALLOWED_ENV.has(name), `/proc/${pid}/environ has ${v}`).toBe(true);
        expect(v.includes(project.dir) || v.includes(REPO), `/proc/${pid}/environ leaks a host path: ${v}`).toBe(false);
      }
    }
  });

  test('files outside the scratch dir cannot be opened by absolute path', () => {
    const got = actualOf('host-files') as Record<string, string>;
    expect(Object.keys(got)).toContain(tmpCanaryFile);
    expect(Object.keys(got)).toContain(projectCanaryFile);
    for (const [path, result] of Object.entries(got)) expect(result, path).toMatch(/^error:(FileNotFoundError|PermissionError|OSError)$/);
  });

  test('no network connection reaches a listener on the host', () => {
    const got = actualOf('host-network') as Record<string, string>;
    expect(Object.keys(got).sort()).toEqual([...hosts].sort());
    for (const [host, result] of Object.entries(got)) expect(result, host).toMatch(/^error:/);
    expect(listener.connections()).toBe(0);
  });

  test('the working dir is /sbx/work and holds only the fixtures: no spec, references or expected values', () => {
    const listing = actualOf('sandbox-listing') as { cwd: string; sbx: string[]; work: string[]; all: string[] };
    expect(listing.cwd).toBe('/sbx/work');
    expect(listing.work).toEqual(['/sbx/work/data', '/sbx/work/data/note.txt', '/sbx/work/hello.txt']);
    for (const entry of [...listing.sbx, ...listing.all]) {
      expect(entry, 'a spec file is visible').not.toMatch(/task\.ya?ml|(^|\/)specs?(\/|$)|(^|\/)ref(\/|$)|secure|checks/);
    }
    expect(listing.all.some((p) => p.includes(`canary-${hex}`))).toBe(false);
  });

  test('the expected values are nowhere in the sandbox (files, /tmp, /proc/<pid>/cmdline and environ)', () => {
    expect(actualOf('expected-values-hidden')).toEqual({ hits: [] });
  });
});
