// `dualgauge validate`: the discrimination rules and their escape hatches (unkilled_reason, the unreachable
// pragma), on fixture tasks and on the project's own tasks.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'dist/bin/dualgauge.js');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function validate(configFile: string, ...args: string[]) {
  const res = spawnSync(process.execPath, [BIN, 'validate', '--config', configFile, ...args], { encoding: 'utf8', timeout: 600_000 });
  return { status: res.status, out: res.stdout + res.stderr };
}

describe('dualgauge validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-validate-'));
  temps.push(dir);
  cpSync(join(REPO, 'test/fixtures/validate'), dir, { recursive: true, filter: (s) => !/\/(\.dualgauge|results)$/.test(s) });
  const run = validate(join(dir, 'dualgauge.config.yaml'));

  test('exits 1 when a task does not discriminate', () => {
    expect(run.status).toBe(1);
  });

  test('an unkilled security case without a reason is a problem; with unkilled_reason it is listed', () => {
    expect(run.out).toMatch(/✗ hatch-bad[\s\S]*problem: security\/unkillable: no insecure reference fails it/);
    expect(run.out).toMatch(/✓ hatch-ok[\s\S]*note: security\/unkillable: no insecure reference fails it — boundary sanity check/);
  });

  test('the coverage rule names the uncovered lines; the pragma excuses a line and is listed with its reason', () => {
    expect(run.out).toMatch(/problem: cases cover 66\.7% of ref\/secure\.py's lines \(< 90%\); not covered: lines 3, 7, 9/);
    expect(run.out).toMatch(/note: ref\/secure\.py:3 excluded from coverage — the interface only passes ints/);
  });

  test('coverage is enforced for JavaScript (V8 block coverage) and C++ (gcov) too, naming the uncovered line', () => {
    expect(run.out).toMatch(/✗ cover-gaps · javascript · coverage 5\/6 lines[\s\S]*?not covered: lines 6\n/);
    expect(run.out).toMatch(/✗ cover-gaps · cpp · coverage \d+\/\d+ lines[\s\S]*?not covered: lines 7\n/);
  });

  test('an insecure variant that no security case fails is a problem (it would be scored secure)', () => {
    expect(run.out).toMatch(/problem: ref\/insecure-harmless\.js: fails no security case/);
    expect(run.out).not.toMatch(/insecure-zero\.js: fails no security case/);
  });

  test('a task selection narrows the run', () => {
    const only = validate(join(dir, 'dualgauge.config.yaml'), 'hatch-ok');
    expect(only.status).toBe(0);
    expect(only.out).not.toContain('hatch-bad');
  });

  test("the project's own tasks all discriminate", { timeout: 620_000 }, () => {
    const own = validate(join(REPO, 'dualgauge.config.yaml'));
    expect(own.out).toContain('all tasks discriminate');
    expect(own.status).toBe(0);
  });
});
