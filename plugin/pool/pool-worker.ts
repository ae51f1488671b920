/**
 * The `dualgauge` custom Vitest pool (Vitest 4 `test.pool` object API, experimental). Its workers run Vitest's
 * own forks runtime (`workers/forks.js`, so tests, hooks and reporting behave as with `pool: 'forks'`) and own
 * the sandbox sessions. What differs from the stock pool:
 *  - the worker's env is an allowlist (worker-env.ts), not the host's whole env;
 *  - the worker is started under `setpriv --pdeathsig KILL`: when Vitest dies, even by kill -9, its workers
 *    die with it, and their sandboxes follow (bwrap --die-with-parent + pid namespace);
 *  - when a worker ends, for any reason, the pool removes what it left (scratch dirs, cgroups), and a new run
 *    sweeps what a killed run left (scratch.ts).
 * Each worker has one slot id (VITEST_POOL_ID), and each slot its own host uid (bwrap.ts slotUid), so process
 * limits count per slot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PoolOptions, PoolWorker, WorkerRequest } from 'vitest/node';
import { tagOf } from '../sandbox/scratch.js';
import { removeOwnedSync, sweepLeftovers } from '../sandbox/teardown.js';
import { workerEnv } from './worker-env.js';

export const POOL_NAME = 'dualgauge';
const SETPRIV = '/usr/bin/setpriv';
/** Same grace as Vitest's forks pool before SIGKILL. */
const STOP_GRACE_MS = 500;

export interface PoolRunnerInitializer {
  readonly name: string;
  createPoolWorker: (options: PoolOptions) => PoolWorker;
}

export function dualgaugePool(): PoolRunnerInitializer {
  return { name: POOL_NAME, createPoolWorker: (options) => new SandboxPoolWorker(options) };
}

/** Live workers and their owner tags, for the exit handler below. */
const live = new Map<ChildProcess, string>();
let exitHook = false;

/**
 * Vitest ends on Ctrl-C or SIGTERM with process.exit() 1 ms later, without stopping its pool: this 'exit'
 * handler (synchronous, no event loop) kills the workers still alive and removes what they own. A kill -9
 * of Vitest runs no handler: pdeathsig kills the workers, and the next run's start sweeps their leftovers.
 */
function onMainExit(): void {
  const tags = [...live.values()];
  for (const child of live.keys()) child.kill('SIGKILL');
  removeOwnedSync(tags);
}

class SandboxPoolWorker implements PoolWorker {
  readonly name = POOL_NAME;
  readonly cacheFs = true;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  constructor(private readonly options: PoolOptions) {}

  private get proc(): ChildProcess {
    if (!this.child) throw new Error('dualgauge pool: the worker was stopped or never started');
    return this.child;
  }

  on(event: string, callback: (arg: any) => void): void {
    this.proc.on(event, callback);
  }

  off(event: string, callback: (arg: any) => void): void {
    this.proc.off(event, callback);
  }

  send(message: WorkerRequest): void {
    this.proc.send(message);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const entry = resolve(this.options.distPath, 'workers/forks.js');
    const node = [process.execPath, ...this.options.execArgv, entry];
    // Without setpriv (not util-linux), a kill -9 of Vitest can orphan workers until their IPC channel closes.
    const [cmd, ...args] = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...node] : node;
    const child = spawn(cmd, args, {
      env: workerEnv(this.options.env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    const tag = child.pid ? tagOf(child.pid) : null;
    if (tag) live.set(child, tag);
    if (!exitHook) {
      exitHook = true;
      process.once('exit', onMainExit);
    }
    // However the worker ends (stopped, crashed, killed from outside), what it left is swept once it is gone.
    this.exited = new Promise<void>((done) => child.once('exit', () => {
      live.delete(child);
      done();
    })).then(sweepLeftovers);
    const { outputStream, errorStream } = this.options.project.vitest.logger;
    // One pipe per worker on the shared streams (as Vitest's forks pool does): raise their listener caps.
    for (const s of [outputStream, errorStream]) s.setMaxListeners(s.getMaxListeners() + 1);
    child.stdout!.pipe(outputStream, { end: false });
    child.stderr!.pipe(errorStream, { end: false });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await this.exited;
    clearTimeout(kill);
    const { outputStream, errorStream } = this.options.project.vitest.logger;
    child.stdout!.unpipe(outputStream);
    child.stderr!.unpipe(errorStream);
    for (const s of [outputStream, errorStream]) s.setMaxListeners(Math.max(0, s.getMaxListeners() - 1));
    this.child = undefined;
  }
}
