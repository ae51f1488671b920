// Wall time and peak memory of the default benchmark run: cold (empty execution cache) and warm (all cached).
// Writes bench/results/default-run.json. Usage: npm run bench:default [-- --repeat 3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const repeat = Number(process.argv[process.argv.indexOf('--repeat') + 1]) || 3;

function run(cacheDir) {
  const t0 = process.hrtime.bigint();
  // /usr/bin/time -f gives the peak RSS of the main vitest process and its children combined? No: of the
  // largest single process; that is what we report (the main process or a worker).
  const res = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'dualgauge'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DUALGAUGE_CONFIG: writeConfig(cacheDir) },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 0) throw new Error(`benchmark run failed (exit ${res.status}):\n${res.stdout.slice(-2000)}${res.stderr.slice(-2000)}`);
  const cases = Number(/cases: (\d+)/.exec(res.stdout)?.[1]);
  const executed = Number(/(\d+) executed\)/.exec(res.stdout)?.[1]);
  const peakKb = Number(res.stderr.trim().split('\n').pop());
  return { ms: Math.round(ms), cases, executed, peakRssMb: Math.round(peakKb / 1024) };
}

function writeConfig(cacheDir) {
  const file = join(cacheDir, 'dualgauge.config.yaml');
  const base = readFileSync(join(REPO, 'dualgauge.config.yaml'), 'utf8');
  writeFileSync(file, `${base.replace('specs: [specs/*/task.yaml]', `specs: [${join(REPO, 'specs')}/*/task.yaml]`).replace('results: results', `results: ${join(cacheDir, 'results')}`)}\ncache: ${join(cacheDir, 'cache')}\nsuites: ${join(REPO, 'suites')}\n`);
  return file;
}

const samples = [];
for (let i = 0; i < repeat; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-'));
  try {
    const cold = run(dir);
    const warm = run(dir);
    samples.push({ cold, warm });
    console.log(`run ${i + 1}: cold ${cold.ms} ms (${cold.executed} executed), warm ${warm.ms} ms (${warm.executed} executed), ${cold.cases} cases`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  cases: samples[0].cold.cases,
  coldMs: median(samples.map((s) => s.cold.ms)),
  warmMs: median(samples.map((s) => s.warm.ms)),
  coldCasesPerSecond: Math.round((samples[0].cold.cases / median(samples.map((s) => s.cold.ms))) * 1000),
  peakRssMb: Math.max(...samples.flatMap((s) => [s.cold.peakRssMb, s.warm.peakRssMb])),
  samples,
};
writeFileSync(join(REPO, 'bench/results/default-run.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify({ coldMs: result.coldMs, warmMs: result.warmMs, coldCasesPerSecond: result.coldCasesPerSecond, peakRssMb: result.peakRssMb }));
