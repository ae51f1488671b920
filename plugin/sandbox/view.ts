/**
 * What a candidate sees in a bubblewrap sandbox: bwrap's options (the same whether bwrap starts with its exec or
 * ahead of it), and the plan that sets the rest. A sandbox started ahead (bwrap.ts) has /sbx bound from an empty
 * dir of its own; at exec time the session's files, and the small per-exec dirs (a C++ build), are hard-linked
 * into it, so the candidate finds the same tree, the same inodes, as under a bind of the session dir.
 */
import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Limits } from '../config/types.js';
import { shellQuote } from './launcher.js';
import type { Mount } from './types.js';

/** Bytes in n MiB; not `n << 20`, which overflows int32 from 2048 MiB. */
export const mib = (n: number) => n * 1024 * 1024;

/** /usr without /usr/local and /usr/src: host tools and sources are none of the candidate's business. */
const USR_DIRS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libexec', 'include', 'share'];

export interface TmpfsAt {
  at: string;
  bytes: number;
  inodes: number;
}

export interface ViewSpec {
  /** Host dir bound read-only at /sbx. */
  sbx: string;
  tmpfs: TmpfsAt[];
  /** Host dirs of the launcher's inode-capped tmpfs mounts, in `tmpfs` order; empty: bwrap mounts its own. */
  tmpfsMounts: string[];
  /** Mounts bwrap makes (read-only unless writable). */
  binds: Mount[];
  cwd: string;
  /** Set by bwrap (--setenv); null when the plan sets it (a sandbox started ahead). */
  env: Record<string, string> | null;
}

/** bwrap's options, written NUL-separated to its fd 4 (`--args 4`): bwrap is pid 1, and argv would show in /proc/1/cmdline. */
export function bwrapOptions(v: ViewSpec): string[] {
  const bw = [
    '--unshare-all', '--unshare-user', '--uid', '65534', '--gid', '65534',
    '--die-with-parent', '--new-session', '--disable-userns', '--hostname', 'sbx',
    ...USR_DIRS.flatMap((d) => ['--ro-bind-try', `/usr/${d}`, `/usr/${d}`]),
    '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
    '--ro-bind-try', '/etc/alternatives', '/etc/alternatives',
    // /dev is bwrap's own tmpfs, writable and unbounded: it goes read-only below, with a capped /dev/shm.
    '--proc', '/proc', '--ro-bind', '/proc/sys', '/proc/sys', '--dev', '/dev',
    '--ro-bind', v.sbx, '/sbx',
  ];
  for (const [i, t] of v.tmpfs.entries()) {
    // As root the launcher has mounted them, inode-capped, in its own mount namespace (bwrap has no inode option).
    if (v.tmpfsMounts.length) bw.push('--bind', v.tmpfsMounts[i], t.at);
    else bw.push('--size', String(t.bytes), '--tmpfs', t.at);
  }
  for (const m of v.binds) bw.push(m.writable ? '--bind' : '--ro-bind', m.host, m.at);
  bw.push('--remount-ro', '/dev', '--chdir', v.cwd, '--remount-ro', '/', '--clearenv');
  for (const [k, val] of Object.entries(v.env ?? {})) bw.push('--setenv', k, val);
  return bw.map((a) => `${a}\0`);
}

/**
 * The rlimits of an exec, as `ulimit` commands. With a pids cgroup, the cgroup enforces the process limit and
 * tells which case hit it (the rlimit is a backstop); without a memory cgroup, the address space is capped.
 */
export function limitsPlan(l: Limits, cg: { pidsRoot: boolean; memoryRoot: boolean }): string[] {
  const plan = [
    `ulimit -t ${l.cpuS + 1}`, `ulimit -S -t ${l.cpuS}`, `ulimit -n ${l.openFiles}`,
    `ulimit -f ${mib(Math.max(l.diskMb, 1)) / 512}`, 'ulimit -c 0', `ulimit -p ${cg.pidsRoot ? l.processes * 4 : l.processes}`,
  ];
  if (!cg.memoryRoot) plan.push(`ulimit -v ${(l.memoryMb + 256) * 1024}`);
  return plan;
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The end of a plan run inside a sandbox started ahead: what bwrap's --chdir, --clearenv and --setenv do, then
 * the command. The shell started with no environment; like bwrap after its chdir, it sets PWD to the working dir
 * (over the request's own), and `cd`'s OLDPWD goes. A variable name the shell cannot export (a task may set any)
 * goes through env(1) instead, at the cost of one exec.
 */
export function commandPlan(cwd: string, env: Record<string, string>, argv: string[]): string[] {
  const q = shellQuote;
  const plan = [`cd ${q(cwd)}`, 'unset OLDPWD'];
  const vars = [...Object.entries(env).filter(([k]) => k !== 'PWD'), ['PWD', cwd]];
  if (vars.every(([k]) => SHELL_NAME.test(k))) {
    plan.push(`export ${vars.map(([k, v]) => `${k}=${q(v)}`).join(' ')}`, `exec ${argv.map(q).join(' ')}`);
  } else {
    plan.push(`exec /usr/bin/env -i -- ${vars.map(([k, v]) => q(`${k}=${v}`)).join(' ')} ${argv.map(q).join(' ')}`);
  }
  return plan;
}

/**
 * Hard-link the tree `from` into `to`, merging with the dirs already there (the mount points a sandbox started
 * ahead was made with). Links, not copies: the same inodes the session wrote, at the cost of one link(2) each;
 * both sides are under the worker's scratch dir, so on one filesystem. Dir modes and symlinks are kept.
 */
export function linkTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) {
      try {
        mkdirSync(dst);
        chmodSync(dst, lstatSync(src).mode & 0o7777);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      linkTree(src, dst);
    } else if (entry.isSymbolicLink()) {
      symlinkSync(readlinkSync(src), dst);
    } else {
      linkSync(src, dst);
    }
  }
}
