// The dualgauge pool's overhead against Vitest's stock forks pool, in the same run on the same tasks: alternating
// cold runs (execution cache off) of the same suite, median wall time of each, and their ratio. Also the start-up
// cost of one sandbox (`python3 -c pass`) with the inode-capped scratch tmpfs (enter.sh, as root) against bwrap's
// own tmpfs. Part of bench/sandbox.mjs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function writeConfig(dir, tasks, languages) {
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

function run(dir, pool, tasks, languages) {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'dualgauge'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DUALGAUGE_CONFIG: writeConfig(dir, tasks, languages), DUALGAUGE_POOL: pool === 'stock' ? 'forks' : '' },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cases = Number(/cases: (\d+)/.exec(res.stdout)?.[1]);
  if (!cases) throw new Error(`benchmark run (${pool}) wrote no summary (exit ${res.status}):\n${res.stdout.slice(-2000)}${res.stderr.slice(-2000)}`);
  return { ms: Math.round(ms), cases };
}

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

export function measurePool({ repeat, tasks, languages, log }) {
  const samples = { dualgauge: [], stock: [] };
  for (let i = 0; i < repeat; i++) {
    // Alternate the order, so neither pool always runs on a warmer machine.
    for (const pool of i % 2 ? ['stock', 'dualgauge'] : ['dualgauge', 'stock']) {
      const dir = mkdtempSync(join(tmpdir(), 'dg-bench-pool-'));
      try {
        const r = run(dir, pool, tasks, languages);
        samples[pool].push(r);
        log(`${pool.padEnd(9)} run ${i + 1}: ${r.ms} ms, ${r.cases} cases`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const start = { inodeCapsMs: [], bwrapTmpfsMs: [] };
  for (let i = 0; i < 3; i++) {
    start.inodeCapsMs.push(sandboxStartMs(true));
    start.bwrapTmpfsMs.push(sandboxStartMs(false));
  }
  const pool = median(samples.dualgauge.map((s) => s.ms));
  const stock = median(samples.stock.map((s) => s.ms));
  return {
    date: new Date().toISOString(),
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
}
