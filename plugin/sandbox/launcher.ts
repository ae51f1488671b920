/**
 * Sandbox launchers, started ahead of their exec. A launcher is enter.sh: it has joined its exec's cgroups, and as
 * root it has made a mount namespace of its own (`unshare`), mounted the exec's inode-capped scratch tmpfs dirs
 * and dropped to the worker slot's uid. Then, for most execs, it has started the sandbox itself (bwrap, /sbx bound
 * from an empty dir the exec links its files into) and a shell inside waits on stdin for the plan: rlimits, working
 * dir, environment and command. For the others (audited, or with a writable mount) it waits for a plan of rlimits
 * and the bwrap command.
 *
 * Why ahead: on cgroup v1 a write to cgroup.procs waits for an RCU grace period (~13 ms on these machines), and
 * unshare, mount(8) and setpriv cost ~8 ms more; bwrap's own start (namespaces, a dozen mounts) is ~9 ms more
 * (docs/sandbox.md "Cost"). A worker runs its execs one after another with the same limits, so when an exec
 * starts the next one's launcher starts too (a standby), and the next exec only links its files and writes its
 * plan. Most of that time is waiting, hidden rather than saved.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { DualGaugeError } from '../errors.js';
import type { ExecCgroup } from './cgroup.js';

/** What a launcher is made for: its cgroup limits and the scratch tmpfs dirs it mounts (as root). */
export interface LaunchSpec {
  memoryBytes: number;
  processes: number;
  tmpfs: { bytes: number; inodes: number }[];
}

export interface LauncherEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Launcher {
  /** Settles once the process has closed every stdio pipe, even before an exec took the launcher. */
  readonly closed: Promise<LauncherEnd>;
  private ended = false;

  constructor(
    readonly child: ChildProcess,
    /** The cgroups it joined; released by the exec that takes it (or by dispose). */
    readonly cgroup: ExecCgroup | null,
    /** Host dirs of the scratch tmpfs it mounted, in LaunchSpec order (in its mount namespace only). */
    readonly mounts: string[] = [],
    /** The host dir holding them, removed with the launcher. */
    private readonly dir: string | null = null,
    /**
     * A sandbox started ahead: the host dir bound at its /sbx (in `dir`), where the exec links its files;
     * the plan goes to a shell inside the sandbox. Null: the launcher waits for the plan, bwrap included.
     */
    readonly sbx: string | null = null,
  ) {
    this.closed = new Promise((resolve, reject) => {
      child.once('error', (e) => {
        this.ended = true;
        reject(new DualGaugeError('DG_SANDBOX_FAILED', `cannot start the sandbox: ${e.message}`, { cause: e }));
      });
      child.once('close', (code, signal) => {
        this.ended = true;
        resolve({ code, signal });
      });
    });
    // A standby that fails before an exec takes it is replaced, not reported: nothing may wait on it yet.
    this.closed.catch(() => {});
    for (const s of child.stdio) s?.on('error', () => {});
  }

  get usable(): boolean {
    return !this.ended && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A waiting standby must not keep its worker alive; an exec's launcher must. */
  keepAlive(on: boolean): void {
    const how = on ? 'ref' : 'unref';
    this.child[how]();
    for (const s of this.child.stdio) (s as Socket | null)?.[how]?.();
  }

  /** Start the exec: the plan line, then the command's stdin. */
  start(plan: string, stdin: string | Buffer | undefined): void {
    this.child.stdin!.write(`${plan}\n`);
    this.child.stdin!.end(stdin ?? '');
  }

  /** Once it has closed: its cgroups go back to the idle list (or away), its mount dirs away. */
  release(): void {
    void this.closed.catch(() => null).then(() => {
      void this.cgroup?.release();
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    });
  }

  /** A standby no exec will take: stop it and release it. */
  dispose(): void {
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* gone already */
    }
    this.release();
  }
}

/** Waiting standbys per launch key (the cgroup limits and scratch sizes they were started for), oldest first. */
const standbys = new Map<string, Launcher[]>();
/**
 * Standbys a worker keeps per key. Starting one takes ~30 ms of wall time here (most of it the cgroup join's RCU
 * wait and bwrap's own start), longer than a short candidate runs (~28 ms for one C++ case): with one, the next
 * exec would often take a standby still starting and wait for the rest. With two, each has had two execs' time.
 */
const DEPTH = 2;
/**
 * Standbys a worker keeps in all: each holds a few processes, a cgroup and empty tmpfs mounts. A run has a few
 * keys (build and run execs, a task with limits of its own); past this, the least recently prepared ones go.
 */
const MAX_STANDBYS = 8;

/** The oldest standby for this key if one waits, else a launcher started now. */
export function takeLauncher(key: string, start: () => Launcher): Launcher {
  const waiting = standbys.get(key) ?? [];
  while (waiting.length) {
    const next = waiting.shift()!;
    if (next.usable) {
      next.keepAlive(true);
      return next;
    }
    next.dispose();
  }
  return start();
}

/**
 * Start the next execs' launchers now, up to DEPTH waiting for this key. Never throws: if one cannot start, the
 * next exec starts its own and reports why.
 */
export function prepareLauncher(key: string, start: () => Launcher): void {
  const waiting: Launcher[] = [];
  for (const l of standbys.get(key) ?? []) {
    if (l.usable) waiting.push(l);
    else l.dispose();
  }
  // Most recently prepared last: eviction takes the first key's oldest.
  standbys.delete(key);
  standbys.set(key, waiting);
  while (waiting.length < DEPTH) {
    let total = 0;
    for (const list of standbys.values()) total += list.length;
    if (total >= MAX_STANDBYS) {
      const [oldestKey, oldest] = standbys.entries().next().value!;
      if (oldest === waiting) break;
      oldest.shift()?.dispose();
      if (!oldest.length) standbys.delete(oldestKey);
      continue;
    }
    try {
      const next = start();
      next.keepAlive(false);
      waiting.push(next);
    } catch {
      return; /* the next exec starts its own */
    }
  }
}

/** Stop every waiting standby (a benchmark that accounts its descendants' CPU time, tests). */
export function dismissStandbys(): void {
  for (const list of standbys.values()) for (const s of list) s.dispose();
  standbys.clear();
}

/**
 * `'…'` for /bin/sh; the plan is eval'd by enter.sh (or by the shell inside a sandbox started ahead), so every
 * word goes through here. The plan is one line: a newline in a word becomes `"$nl"`, which both plan readers define.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) {
    // No argv or environment can hold a NUL: our own never does, so this is a bug, not input.
    throw new DualGaugeError('DG_INTERNAL', `a sandbox argument holds a NUL byte: ${JSON.stringify(word)}`);
  }
  return word.split('\n').map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join('"$nl"');
}
