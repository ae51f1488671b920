/**
 * Per-exec cgroups for memory and process limits, when this host lets us create them (root on cgroup v1 or
 * a v2 tree with the controllers enabled). Elsewhere the sandbox falls back to rlimits.
 */
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownerAlive } from './scratch.js';

const ROOT = '/sys/fs/cgroup';
const PREFIX = 'dualgauge';

export interface CgroupLayout {
  version: 'v1' | 'v2';
  memoryRoot: string | null;
  pidsRoot: string | null;
}

let detected: CgroupLayout | null | undefined;

function writable(dir: string): boolean {
  try {
    const probe = join(dir, `${PREFIX}-probe-${process.pid}`);
    mkdirSync(probe, { recursive: true });
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

export function detectCgroups(): CgroupLayout | null {
  if (detected !== undefined) return detected;
  detected = null;
  if (process.env.DUALGAUGE_NO_CGROUPS === '1') return detected;
  if (existsSync(join(ROOT, 'cgroup.controllers'))) {
    const ctl = readFileSync(join(ROOT, 'cgroup.controllers'), 'utf8');
    if (/\bmemory\b/.test(ctl) && /\bpids\b/.test(ctl) && writable(ROOT)) detected = { version: 'v2', memoryRoot: ROOT, pidsRoot: ROOT };
    return detected;
  }
  const mem = join(ROOT, 'memory');
  const pids = join(ROOT, 'pids');
  const memoryRoot = existsSync(join(mem, 'memory.limit_in_bytes')) && writable(mem) ? mem : null;
  const pidsRoot = existsSync(join(pids, 'cgroup.procs')) && writable(pids) ? pids : null;
  if (memoryRoot || pidsRoot) detected = { version: 'v1', memoryRoot, pidsRoot };
  return detected;
}

/**
 * Idle cgroups of this process, by limits: an exec reuses one, which costs a join (~0.6 ms here) instead of a
 * mkdir, the limit writes and an rmdir (~5 ms). Counters are read relative to the exec's start.
 */
const idle = new Map<string, ExecCgroup[]>();

export function acquireCgroup(layout: CgroupLayout, name: () => string, limits: { memoryBytes: number; processes: number }, owner: { uid: number; gid: number } | null): ExecCgroup {
  const key = `${limits.memoryBytes}/${limits.processes}/${owner?.uid ?? ''}`;
  const cg = idle.get(key)?.pop() ?? new ExecCgroup(layout, name(), limits, owner, key);
  cg.begin();
  return cg;
}

export class ExecCgroup {
  readonly dirs: string[] = [];
  private readonly memDir: string | null;
  private readonly pidsDir: string | null;
  private base = { oom: 0, pidsMax: 0 };

  constructor(
    private readonly layout: CgroupLayout,
    name: string,
    limits: { memoryBytes: number; processes: number },
    owner: { uid: number; gid: number } | null,
    /** The idle list it returns to (acquireCgroup). */
    private readonly key: string,
  ) {
    const make = (root: string | null) => {
      if (!root) return null;
      const dir = join(root, `${PREFIX}-${name}`);
      mkdirSync(dir, { recursive: true });
      this.dirs.push(dir);
      // The sandbox joins its cgroup itself (as the slot uid), so only cgroup.procs is handed over.
      if (owner) chownSync(join(dir, 'cgroup.procs'), owner.uid, owner.gid);
      return dir;
    };
    this.memDir = make(layout.memoryRoot);
    this.pidsDir = layout.pidsRoot === layout.memoryRoot ? this.memDir : make(layout.pidsRoot);
    if (layout.version === 'v1') {
      if (this.memDir) {
        writeFileSync(join(this.memDir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
        try {
          writeFileSync(join(this.memDir, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
        } catch {
          /* no swap accounting on this host */
        }
      }
      if (this.pidsDir) writeFileSync(join(this.pidsDir, 'pids.max'), String(limits.processes));
    } else {
      if (this.memDir) {
        writeFileSync(join(this.memDir, 'memory.max'), String(limits.memoryBytes));
        writeFileSync(join(this.memDir, 'memory.swap.max'), '0');
      }
      if (this.pidsDir) writeFileSync(join(this.pidsDir, 'pids.max'), String(limits.processes));
    }
  }

  /** cgroup.procs files the sandbox writes its pid into before exec'ing bwrap. */
  procsFiles(): string[] {
    return [...new Set(this.dirs)].map((d) => join(d, 'cgroup.procs'));
  }

  /** An exec starts: its counters count from here. */
  begin(): void {
    this.base = { oom: this.totalOomKills(), pidsMax: this.totalPidsMaxEvents() };
  }

  /** OOM kills since the exec started. */
  oomKills(): number {
    return this.totalOomKills() - this.base.oom;
  }

  /** Forks the process limit refused since the exec started. */
  pidsMaxEvents(): number {
    return this.totalPidsMaxEvents() - this.base.pidsMax;
  }

  private totalOomKills(): number {
    if (!this.memDir) return 0;
    const file = join(this.memDir, this.layout.version === 'v1' ? 'memory.oom_control' : 'memory.events');
    return Number(/oom_kill (\d+)/.exec(safeRead(file))?.[1] ?? 0);
  }

  private totalPidsMaxEvents(): number {
    if (!this.pidsDir) return 0;
    return Number(/max (\d+)/.exec(safeRead(join(this.pidsDir, 'pids.events')))?.[1] ?? 0);
  }

  /**
   * The exec ended: an empty cgroup goes back to the idle list; one with processes left (still dying, or
   * escaped) has them killed and is removed, never reused.
   */
  async release(): Promise<void> {
    const members = this.dirs.some((d) => safeRead(join(d, 'cgroup.procs')).trim() !== '');
    if (!members) {
      const list = idle.get(this.key) ?? [];
      idle.set(this.key, list);
      list.push(this);
      return;
    }
    this.dirs.forEach(killMembers);
    await this.remove();
  }

  /** Remove the cgroups; tasks can linger for ~2 s after a kill (accounting lag), so retry. */
  private async remove(): Promise<void> {
    for (const dir of [...new Set(this.dirs)]) await removeCgroup(dir);
  }
}

/** `dualgauge-w<pid>-<start>-<rand>`; before owner tags, `dualgauge-<pid>-<rand>` (pid liveness only). */
function isStale(name: string): boolean {
  const tagged = /^dualgauge-(w\d+-\d+)-[0-9a-f]+$/.exec(name);
  if (tagged) return !ownerAlive(tagged[1]);
  const legacy = /^dualgauge-(\d+)-[0-9a-f]{8}$/.exec(name);
  return !!legacy && !existsSync(`/proc/${legacy[1]}`);
}

async function removeCgroup(dir: string): Promise<boolean> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      rmdirSync(dir);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

/**
 * Kill what is left in the cgroups of owners that are gone (a kill -9 of the run skips ExecCgroup.remove)
 * and remove them. Normally empty: --die-with-parent takes the sandboxes down with their worker.
 */
export async function sweepStaleCgroups(): Promise<string[]> {
  const layout = detectCgroups();
  if (!layout) return [];
  const removed: string[] = [];
  await Promise.all(ourCgroups(layout, (name) => isStale(name)).map(async (dir) => {
    killMembers(dir);
    if (await removeCgroup(dir)) removed.push(dir);
  }));
  return removed;
}

/** Our cgroup dirs (under the memory and pids roots) whose names pass `keep`. */
function ourCgroups(layout: CgroupLayout, keep: (name: string) => boolean): string[] {
  return [...new Set([layout.memoryRoot, layout.pidsRoot].filter((r): r is string => !!r))]
    .flatMap((root) => readdirSync(root).filter((name) => name.startsWith(`${PREFIX}-`) && keep(name)).map((name) => join(root, name)));
}

/** SIGKILL every process still in a cgroup (a killed owner's sandboxes, if any outlived it). */
function killMembers(dir: string): void {
  for (const pid of safeRead(join(dir, 'cgroup.procs')).split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Synchronous removal of the cgroups of owners the caller just killed, for exit handlers (no event loop):
 * kill what is left in them, then retry rmdir until the kernel's task accounting catches up (≤ waitMs).
 */
export function removeCgroupsOfSync(tags: string[], waitMs = 3000): void {
  const layout = detectCgroups();
  if (!layout || !tags.length) return;
  const dirs = ourCgroups(layout, (name) => tags.some((t) => name.startsWith(`${PREFIX}-${t}-`)));
  dirs.forEach(killMembers);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const end = Date.now() + waitMs;
  let left = dirs;
  while (left.length && Date.now() < end) {
    left = left.filter((dir) => {
      try {
        rmdirSync(dir);
        return false;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code !== 'ENOENT';
      }
    });
    if (left.length) Atomics.wait(nap, 0, 0, 50);
  }
}
