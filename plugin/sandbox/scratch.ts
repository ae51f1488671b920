/**
 * Where sandboxes keep their host-side state, and how a run cleans up after a process that died without
 * doing it (kill -9, a crashed worker). Every scratch dir and cgroup carries its owner's tag, `w<pid>-<start>`
 * (the pid and its start time in clock ticks, so a reused pid is not mistaken for the owner): anything whose
 * owner is gone is stale, and any run may remove it. Mounts need no sweep: the scratch tmpfs lives in a
 * private mount namespace that the kernel drops with the sandbox's last process (bwrap.ts).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { DualGaugeError } from '../errors.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** One root per host user, so two users' runs never share (or remove) each other's dirs. */
export function scratchRoot(): string {
  return join(process.env.DUALGAUGE_SCRATCH ?? tmpdir(), `dualgauge-${process.getuid?.() ?? 'u'}`);
}

/** Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or null if it is gone. */
export function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

let ownTag: string | null = null;

/** This process's owner tag. */
export function ownerTag(): string {
  ownTag ??= tagOf(process.pid) ?? `w${process.pid}-0`;
  return ownTag;
}

const TAG = /^w(\d+)-(\d+)$/;

/** True when the tag's process still runs (same pid, same start time). */
export function ownerAlive(tag: string): boolean {
  const m = TAG.exec(tag);
  if (!m) return false;
  if (Number(m[1]) === process.pid) return true;
  return startTime(Number(m[1])) === m[2];
}

/** This process's own scratch dir (created on first use): session and build dirs go under it. */
export function ownScratchDir(): string {
  const root = scratchRoot();
  mkdirSync(root, { recursive: true, mode: 0o755 });
  // A shared tmp dir: someone else could have planted the root (or a symlink) first.
  const st = lstatSync(root);
  if (!st.isDirectory() || st.uid !== (process.getuid?.() ?? st.uid) || (st.mode & 0o022) !== 0) {
    throw new DualGaugeError('DG_SANDBOX_FAILED', `the scratch root ${root} is not a directory owned by this user with mode 755`, {
      hint: 'remove it, or point DUALGAUGE_SCRATCH at a private directory',
    });
  }
  // As root, sandboxes run as per-slot uids that must reach their scratch dir through every parent dir.
  if (process.getuid?.() === 0) {
    for (let d = dirname(root); d !== dirname(d); d = dirname(d)) {
      if ((statSync(d).mode & 0o001) === 0) {
        throw new DualGaugeError('DG_SANDBOX_FAILED', `sandboxes cannot reach the scratch root ${root}: ${d} is not searchable by other users`, {
          hint: `chmod o+x ${d}, or point DUALGAUGE_SCRATCH (or TMPDIR) at a directory whose parents are`,
        });
      }
    }
  }
  const dir = join(root, ownerTag());
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

/** Remove the scratch dirs of owners that are gone; returns their tags. Safe while other runs are live. */
export function sweepStaleScratch(): string[] {
  const root = scratchRoot();
  const stale = existsSync(root) ? readdirSync(root).filter((name) => TAG.test(name) && !ownerAlive(name)) : [];
  removeScratchOf(stale);
  return stale;
}

/** Remove the scratch dirs of owners known to be gone (the caller just killed them). */
export function removeScratchOf(tags: string[]): void {
  for (const tag of tags) if (TAG.test(tag)) rmSync(join(scratchRoot(), tag), { recursive: true, force: true, maxRetries: 3 });
}

/** `w<pid>-<start>` of another process, or null if it is gone. */
export function tagOf(pid: number): string | null {
  const start = startTime(pid);
  return start === null ? null : `w${pid}-${start}`;
}
