// The dualgauge pool's overhead against Vitest's stock forks pool (the walking skeleton's), in the same run on
// the same tasks: alternating cold runs (execution cache off) of the same suite, median wall time of each,
// and their ratio. Also the start-up cost of one sandbox (`python3 -c pass`) with the inode-capped scratch
// tmpfs (enter.sh, as root) against bwrap's own tmpfs. Writes bench/results/sandbox-pool.json.
// Usage: npm run bench:sandbox [-- --repeat 5 --tasks path-read-document,sql-order-search]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const repeat = Number(arg('--repeat', 3));
const tasks = arg('--tasks', 'path-read-document,sql-order-search,log-audit-entry,redirect-after-login').split(',');
const languages = arg('--languages', 'python,javascript,cpp').split(',');

function writeConfig(dir) {
  const file = join(dir, 'dualgauge.config.yaml');
  writeFileSync(file, [
    `specs: [${tasks.map((t) => JSON.stringify(join(REPO, 'specs', t, 'task.yaml'))).join(', ')}]`,
    `languages: [${languages.join(', ')}]`,
    'models: [reference:secure, reference:insecure]',
    'n: 1',
    'k: [1]',
    `results: ${join(dir, 'results')}`,
    'cache: false',
    '',
  ].join('\n'));
  return file;
}

function run(dir, pool) {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'dualgauge'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DUALGAUGE_CONFIG: writeConfig(dir), DUALGAUGE_POOL: pool === 'stock' ? 'forks' : '' },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cases = Number(/cases: (\d+)/.exec(res.stdout)?.[1]);
  if (!cases) throw new Error(`benchmark run (${pool}) wrote no summary (exit ${res.status}):\n${res.stdout.slice(-2000)}${res.stderr.slice(-2000)}`);
  return { ms: Math.round(ms), cases };
}

const samples = { dualgauge: [], stock: [] };
for (let i = 0; i < repeat; i++) {
  // Alternate the order, so neither pool always runs on a warmer machine.
  for (const pool of i % 2 ? ['stock', 'dualgauge'] : ['dualgauge', 'stock']) {
    const dir = mkdtempSync(join(tmpdir(), 'dg-bench-pool-'));
    try {
      const r = run(dir, pool);
      samples[pool].push(r);
      console.log(`${pool.padEnd(9)} run ${i + 1}: ${r.ms} ms, ${r.cases} cases`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of one sandbox exec, in a child process (INODE_CAPS is read at module load). */
function sandboxStartMs(inodeCaps) {
  const script = `
    const { BwrapSandbox } = await import(${JSON.stringify(join(REPO, 'dist/plugin/sandbox/bwrap.js'))});
    const { DEFAULT_LIMITS } = await import(${JSON.stringify(join(REPO, 'dist/plugin/config/types.js'))});
    const sb = new BwrapSandbox();
    const ms = [];
    for (let i = 0; i < 60; i++) {
      const s = sb.openSession();
      s.mkdir('work');
      const t = process.hrtime.bigint();
      const r = await s.exec({ argv: ['/usr/bin/python3', '-I', '-S', '-c', 'pass'], env: { PATH: '/usr/bin' }, cwd: '/sbx', limits: DEFAULT_LIMITS, tmpfs: [{ at: '/sbx/work', bytes: 1 << 24 }] }).result;
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.exitCode !== 0) throw new Error(r.stderr.toString());
      await s.close();
    }
    ms.sort((a, b) => a - b);
    console.log(ms[30].toFixed(1));`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, DUALGAUGE_NO_INODE_CAPS: inodeCaps ? '' : '1' } });
  if (res.status !== 0) throw new Error(res.stderr);
  return Number(res.stdout.trim());
}
const start = { inodeCapsMs: [], bwrapTmpfsMs: [] };
for (let i = 0; i < 3; i++) {
  start.inodeCapsMs.push(sandboxStartMs(true));
  start.bwrapTmpfsMs.push(sandboxStartMs(false));
}
console.log(`sandbox start (python3 -c pass): inode-capped scratch ${median(start.inodeCapsMs)} ms, bwrap tmpfs ${median(start.bwrapTmpfsMs)} ms`);

const pool = median(samples.dualgauge.map((s) => s.ms));
const stock = median(samples.stock.map((s) => s.ms));
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  tasks,
  languages,
  cases: samples.dualgauge[0].cases,
  dualgaugePoolMs: pool,
  stockForksPoolMs: stock,
  ratio: Math.round((pool / stock) * 1000) / 1000,
  sandboxStartMedianMs: { inodeCappedScratch: median(start.inodeCapsMs), bwrapTmpfs: median(start.bwrapTmpfsMs) },
  samples,
  sandboxStartSamples: start,
};
writeFileSync(join(REPO, 'bench/results/sandbox-pool.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify({ cases: result.cases, dualgaugePoolMs: pool, stockForksPoolMs: stock, ratio: result.ratio }));
