// Wall time of `dualgauge validate` over every shipped task, cold: the execution cache is off, so every
// reference of every language runs (and every C++ reference compiles). Part of bench/sandbox.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');

export function timeValidate() {
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-validate-'));
  try {
    const config = join(dir, 'dualgauge.config.yaml');
    writeFileSync(config, `specs: [${JSON.stringify(join(REPO, 'specs/*/task.yaml'))}]\nlanguages: [python, javascript, cpp]\nresults: ${join(dir, 'results')}\ncache: false\n`);
    const t0 = process.hrtime.bigint();
    const res = spawnSync(process.execPath, [join(REPO, 'dist/bin/dualgauge.js'), 'validate', '--config', config], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const pairs = res.stdout.split('\n').filter((l) => /^[✓✗] /.test(l));
    if (res.status !== 0) throw new Error(`dualgauge validate failed (exit ${res.status}):\n${res.stdout.slice(-3000)}${res.stderr.slice(-2000)}`);
    return { ms: Math.round(ms), taskLanguagePairs: pairs.length, workers: availableParallelism() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
