/**
 * Teardown (issue 5): however a run ends — normally, Ctrl-C, a crashed pool worker, kill -9 of Vitest — no
 * sandboxed process, host mount, cgroup or scratch dir outlives it; what a kill -9 leaves is removed by the
 * next run's start. test/fixtures/teardown's candidates keep a child named after the run's tag alive in
 * their sandbox. Each run gets its own scratch root (DUALGAUGE_SCRATCH) so concurrent tests don't mix.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, readCases, runVitest, type Project, type RunResult } from './helpers.js';

const scratchRoots: string[] = [];
const projects: Project[] = [];

afterAll(() => {
  for (const p of projects) p.cleanup();
  for (const r of scratchRoots) rmSync(r, { recursive: true, force: true });
});

function setup() {
  const tag = `dg-teardown-${randomBytes(6).toString('hex')}`;
  const project = copyFixture('teardown');
  projects.push(project);
  project.replace('specs/sleepy/task.yaml', '__TAG__', tag);
  const scratch = mkdtempSync(join(tmpdir(), 'dg-e2e-scratch-'));
  chmodSync(scratch, 0o755);
  scratchRoots.push(scratch);
  return { tag, project, scratch, env: { DUALGAUGE_SCRATCH: scratch } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pidsNamed(tag: string): number[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(tag) && !l.includes('ps -eo')).map((l) => Number(l.trim().split(/\s+/)[0]));
}

async function waitFor<T>(what: string, probe: () => T | null | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function ppidOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** The pool worker running a sandboxed process: the closest ancestor running Vitest's forks runtime. */
function workerOf(pid: number): number | null {
  for (let p: number | null = pid; p && p > 1; p = ppidOf(p)) {
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'latin1').includes('workers/forks.js')) return p;
    } catch {
      return null;
    }
  }
  return null;
}

/** Scratch dirs under this test's root whose owner process is gone. */
function staleScratch(scratch: string): string[] {
  const root = join(scratch, `dualgauge-${process.getuid!()}`);
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((n) => {
    const m = /^w(\d+)-(\d+)$/.exec(n);
    return m && !existsSync(`/proc/${m[1]}`);
  });
}

/** Everything a run could leave behind, given the pids of its workers. */
function leftovers(tag: string, scratch: string, workers: number[]) {
  const cgroups = ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids', '/sys/fs/cgroup'].filter(existsSync)
    .flatMap((d) => readdirSync(d).filter((n) => workers.some((w) => n.startsWith(`dualgauge-w${w}-`))));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes('dualgauge-scratch') || l.includes(scratch));
  return { processes: pidsNamed(tag), scratch: staleScratch(scratch), cgroups, mounts };
}
const NOTHING = { processes: [], scratch: [], cgroups: [], mounts: [] };

/** Start a run and wait until its sandboxes are live; returns the run and the pool worker holding one. */
async function startLive(s: ReturnType<typeof setup>) {
  let child!: ChildProcess;
  const run = runVitest(s.project, { env: s.env, onSpawn: (c) => (child = c) });
  const sandboxed = await waitFor('a live sandboxed process', () => pidsNamed(s.tag)[0]);
  const worker = await waitFor('its pool worker', () => workerOf(sandboxed));
  return { run, child, worker };
}

describe('a run leaves nothing behind', () => {
  test('after a normal end', async () => {
    const s = setup();
    const workers = new Set<number>();
    let child!: ChildProcess;
    const pending = runVitest(s.project, { env: s.env, onSpawn: (c) => (child = c) });
    const watch = setInterval(() => pidsNamed(s.tag).forEach((p) => { const w = workerOf(p); if (w) workers.add(w); }), 100);
    const run = await pending.finally(() => clearInterval(watch));
    expect(run.code, describeRun(run)).toBe(0);
    expect(child.pid).toBeGreaterThan(0);
    expect(readCases(s.project).filter((l) => l.outcome === 'passed'), describeRun(run)).toHaveLength(9);
    expect(workers.size).toBeGreaterThan(0);
    expect(leftovers(s.tag, s.scratch, [...workers])).toEqual(NOTHING);
  });

  test('after Ctrl-C (SIGINT to Vitest)', async () => {
    const s = setup();
    const { run, child, worker } = await startLive(s);
    child.kill('SIGINT');
    const res: RunResult = await run;
    expect(res.code === 0, describeRun(res)).toBe(false);
    await waitFor('cgroups and processes to go', () => JSON.stringify(leftovers(s.tag, s.scratch, [worker])) === JSON.stringify(NOTHING), 10_000).catch(() => {});
    expect(leftovers(s.tag, s.scratch, [worker])).toEqual(NOTHING);
  });

  test('after a crashed pool worker (kill -9 of the worker): the run reports it and cleans up', async () => {
    const s = setup();
    const { run, worker } = await startLive(s);
    process.kill(worker, 'SIGKILL');
    const res = await run;
    expect(res.code, describeRun(res)).not.toBe(0);
    await waitFor('cgroups and processes to go', () => JSON.stringify(leftovers(s.tag, s.scratch, [worker])) === JSON.stringify(NOTHING), 10_000).catch(() => {});
    expect(leftovers(s.tag, s.scratch, [worker])).toEqual(NOTHING);
  });

  test('after kill -9 of Vitest: sandboxes die at once, and the next run removes the rest', async () => {
    const s = setup();
    const { run, child, worker } = await startLive(s);
    child.kill('SIGKILL');
    await run;
    // The worker dies with Vitest (setpriv --pdeathsig), the sandboxes with the worker (--die-with-parent).
    await waitFor('the worker and sandboxes to die', () => !existsSync(`/proc/${worker}`) && pidsNamed(s.tag).length === 0, 5_000);
    // Nobody was left to clean up: the killed worker's scratch dir is still there.
    expect(staleScratch(s.scratch).length).toBeGreaterThan(0);
    const next = await runVitest(s.project, { env: s.env });
    expect(next.code, describeRun(next)).toBe(0);
    expect(leftovers(s.tag, s.scratch, [worker])).toEqual(NOTHING);
  });
});
