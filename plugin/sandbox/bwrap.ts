/** The bubblewrap backend (SANDBOX-NOTES.md §1-2): fresh namespaces per exec, cleared env, per-slot uid. */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import { DualGaugeError } from '../errors.js';
import { acquireCgroup, detectCgroups, type CgroupLayout } from './cgroup.js';
import { watchExec } from './exec-watch.js';
import { Launcher, prepareLauncher, shellQuote, takeLauncher, type LaunchSpec } from './launcher.js';
import { bwrapOptions, commandPlan, limitsPlan, linkTree, mib, type TmpfsAt } from './view.js';
import { workerSandboxMechanisms } from './mechanisms.js';
import { ownerTag, ownScratchDir } from './scratch.js';
import { packageFile } from '../paths.js';
import type { ExecHandle, ExecRequest, LimitMechanisms, Mount, Sandbox, Session } from './types.js';

/** Overridable for hosts with bubblewrap elsewhere (and for testing the missing-bubblewrap error). */
const BWRAP = process.env.DUALGAUGE_BWRAP || '/usr/bin/bwrap';
const STRACE = process.env.DUALGAUGE_STRACE || '/usr/bin/strace';
/** How much of an audit log is read back: a syscall flood is bounded by the wall timer, this bounds memory. */
const AUDIT_CAP = 32 << 20;
/**
 * The syscalls audit mode records, of every thread and child: those that open, change or execute a file, make a
 * connection, or start a process, and `access` (the harnesses' window markers). Probes (`stat`, `readlink`) are
 * left out: an interpreter makes hundreds while it starts, each a tracer stop (~75 µs), and no detector reads
 * them. `?`: a name this architecture lacks (`open` on arm64) is skipped, not an error.
 */
const AUDIT_SYSCALLS = [
  '?open', 'openat', 'openat2', '?creat', 'truncate', '?unlink', 'unlinkat', '?rmdir', '?rename', 'renameat', 'renameat2',
  '?chmod', 'fchmodat', '?chown', '?lchown', 'fchownat', '?mkdir', 'mkdirat', '?mknod', 'mknodat', '?link', 'linkat',
  '?symlink', 'symlinkat', 'chdir', 'fchdir', '?access', 'faccessat', 'faccessat2', 'execve', 'execveat',
  'clone', 'clone3', '?fork', '?vfork', 'connect', 'bind', 'sendto', 'sendmsg',
];
/** strings in hex (-xx), fd paths (-y), host pids next to the sandbox's (pidns). */
export const AUDIT_STRACE_ARGS = ['-f', '-qq', '--seccomp-bpf', '-y', '--decode-pids=pidns', '-xx', '-s', '4096', '-e', 'signal=none', '-e', `trace=${AUDIT_SYSCALLS.join(',')}`];
export { mib } from './view.js';
/** Host uids for sandboxes: one per worker slot so RLIMIT_NPROC counts per slot (pitfall: root is exempt). */
const SLOT_UID_BASE = 61000;
/** Bumped when the sandbox's layout or argv changes what a candidate can see: part of the execution cache key. */
export const BWRAP_PROFILE = 'bwrap-4';
/** The launcher script: joins the cgroups, waits for its plan, sets rlimits and mounts, drops to the slot uid. */
const ENTER = packageFile('plugin/sandbox/enter.sh');
/** Inode caps need root (a tmpfs mount); DUALGAUGE_NO_INODE_CAPS=1 turns them off, e.g. to compare. */
export const INODE_CAPS = process.getuid?.() === 0 && process.env.DUALGAUGE_NO_INODE_CAPS !== '1' && existsSync('/usr/bin/unshare') && existsSync('/usr/bin/setpriv');

let straceSeen: string | null | undefined;
/** The strace audit mode runs, as `strace -- version 6.1`; null when it is not installed. Asked once (header, manifest). */
export function straceVersion(): string | null {
  if (straceSeen !== undefined) return straceSeen;
  const out = existsSync(STRACE) ? spawnSync(STRACE, ['-V'], { encoding: 'utf8', env: {}, timeout: 10_000 }) : null;
  straceSeen = out?.status === 0 ? out.stdout.split('\n')[0].trim() : null;
  return straceSeen;
}

function checkStrace(): void {
  if (!existsSync(STRACE)) {
    throw new DualGaugeError('DG_AUDIT_MISSING', `audit mode needs strace (${STRACE} not found)`, {
      hint: 'install it (sudo apt-get install -y strace), or set `audit: off` in the config (cases whose detectors read the audit record are then unjudged)',
    });
  }
}

export function checkBwrap(): void {
  if (!existsSync(BWRAP)) {
    throw new DualGaugeError('DG_SANDBOX_MISSING', `bubblewrap is not installed (${BWRAP} not found)`, {
      hint: 'install it: sudo apt-get install -y bubblewrap',
    });
  }
  const probe = spawnSync(BWRAP, ['--unshare-all', '--unshare-user', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '/usr/bin/true'], { env: {}, timeout: 10_000 });
  if (probe.status !== 0) {
    throw new DualGaugeError('DG_SANDBOX_FAILED', `bubblewrap cannot create a sandbox here: ${String(probe.stderr).trim() || `exit ${probe.status}`}`, {
      hint: 'user namespaces must be enabled (sysctl kernel.unprivileged_userns_clone=1) or run as root',
    });
  }
}

function readAudit(file: string): { log: Buffer; truncated: boolean } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    // strace could not start (or write): an audited exec without a log must not pass for a clean trace.
    return { log: Buffer.alloc(0), truncated: true };
  }
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, AUDIT_CAP));
    readSync(fd, buf, 0, buf.length, 0);
    return { log: buf, truncated: size > AUDIT_CAP };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

function signalName(n: number): NodeJS.Signals | null {
  const entry = Object.entries(osConstants.signals).find(([, v]) => v === n);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

export function slotUid(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const slot = Number(process.env.VITEST_POOL_ID ?? process.env.DUALGAUGE_SLOT ?? 0) || 0;
  const uid = SLOT_UID_BASE + slot;
  return { uid, gid: uid };
}

export class BwrapSandbox implements Sandbox {
  readonly backend = 'bwrap';
  readonly mechanisms: LimitMechanisms;

  constructor() {
    checkBwrap();
    this.mechanisms = workerSandboxMechanisms();
  }

  openSession(): Session {
    return new BwrapSession();
  }
}

/** DUALGAUGE_SANDBOX_AHEAD=0 starts every bwrap with its exec (to compare, or to rule the mechanism out). */
const sandboxAhead = () => process.env.DUALGAUGE_SANDBOX_AHEAD !== '0';

/**
 * Whether this exec can run in a sandbox started ahead, and how its mounts get there: dirs of the worker's own
 * scratch (a C++ build) are linked into /sbx at exec time, others (a language runtime) are bound when the sandbox
 * starts and so are part of what makes sandboxes interchangeable. Audited execs (strace must see the whole tree
 * start) and execs with a writable mount (a build writing its host dir) start bwrap with the exec.
 */
function aheadLayout(req: ExecRequest, tmpfs: TmpfsAt[], scratch: string): { binds: Mount[]; linked: Mount[] } | null {
  const mounts = req.mounts ?? [];
  if (req.audit || !sandboxAhead() || mounts.some((m) => m.writable)) return null;
  const under = (at: string) => at.startsWith('/sbx/') && !at.split('/').includes('..');
  if (!mounts.every((m) => under(m.at)) || !tmpfs.every((t) => under(t.at) || t.at === '/tmp' || t.at === '/dev/shm')) return null;
  const own = scratch + '/';
  return { binds: mounts.filter((m) => !m.host.startsWith(own)), linked: mounts.filter((m) => m.host.startsWith(own)) };
}

class BwrapSession implements Session {
  readonly dir: string;
  private readonly owner = slotUid();

  constructor() {
    this.dir = mkdtempSync(join(ownScratchDir(), 'sbx-'));
    chmodSync(this.dir, 0o755);
  }

  writeFile(rel: string, data: string | Buffer, mode = 0o644): void {
    const p = join(this.dir, rel);
    mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
    writeFileSync(p, data, { mode });
    chmodSync(p, mode);
  }

  mkdir(rel: string): void {
    mkdirSync(join(this.dir, rel), { recursive: true, mode: 0o755 });
  }

  exec(req: ExecRequest): ExecHandle {
    if (req.audit) checkStrace();
    const l = req.limits;
    const cg = detectCgroups();
    const scratch = { bytes: mib(Math.max(l.diskMb, 1)), inodes: l.diskInodes };
    const tmpfs: TmpfsAt[] = [{ at: '/tmp', ...scratch }, { at: '/dev/shm', ...scratch }, ...(req.tmpfs ?? [])].map((t) => ({ ...t, inodes: t.inodes ?? l.diskInodes }));
    const launch: LaunchSpec = { memoryBytes: mib(l.memoryMb), processes: l.processes, tmpfs: this.owner && INODE_CAPS ? tmpfs : [] };
    const ulimits = limitsPlan(l, { pidsRoot: !!cg?.pidsRoot, memoryRoot: !!cg?.memoryRoot });
    // The worker's scratch dir holds the session's (asking ownScratchDir again costs a few file system calls).
    const ahead = aheadLayout(req, tmpfs, dirname(this.dir));
    let auditLog: string | null = null;
    let launcher: Launcher;
    let plan: string[];
    // The next exec like this one finds its launcher waiting, its slow start (bwrap's too, when ahead) done
    // while this one runs. Audited execs start their own, under strace.
    let prepareNext: (() => void) | null = null;
    if (ahead) {
      // Sandboxes are interchangeable when their cgroup limits, scratch mounts and bound dirs are.
      const key = JSON.stringify(['ahead', launch.memoryBytes, launch.processes, tmpfs.map((t) => [t.at, t.bytes, t.inodes]), ahead.binds.map((m) => [m.host, m.at])]);
      const start = () => this.startLauncher(cg, launch, null, { tmpfs, binds: ahead.binds });
      launcher = takeLauncher(key, start);
      try {
        // A standby still starting may not have made its dirs yet; enter.sh's `mkdir -p` does not mind either.
        if (mkdirSync(launcher.sbx!, { recursive: true })) for (const d of [dirname(launcher.sbx!), launcher.sbx!]) chmodSync(d, 0o755);
        linkTree(this.dir, launcher.sbx!);
        for (const m of ahead.linked) {
          const at = join(launcher.sbx!, m.at.slice('/sbx/'.length));
          mkdirSync(at, { recursive: true, mode: 0o755 });
          linkTree(m.host, at);
        }
      } catch (e) {
        launcher.dispose();
        throw new DualGaugeError('DG_SANDBOX_FAILED', `cannot lay out the sandbox's /sbx: ${(e as Error).message}`, { cause: e });
      }
      plan = [...ulimits, ...commandPlan(req.cwd, req.env, req.argv)];
      prepareNext = () => prepareLauncher(key, start);
    } else {
      // Launchers are interchangeable when their cgroup limits and ready-made scratch mounts are.
      const key = JSON.stringify([launch.memoryBytes, launch.processes, launch.tmpfs.map((t) => [t.bytes, t.inodes])]);
      const start = () => this.startLauncher(cg, launch, null, null);
      if (req.audit) {
        mkdirSync(`${this.dir}.mnt`, { recursive: true });
        auditLog = join(`${this.dir}.mnt`, `audit-${randomBytes(4).toString('hex')}.log`);
        launcher = this.startLauncher(cg, launch, auditLog, null);
      } else {
        launcher = takeLauncher(key, start);
        prepareNext = () => prepareLauncher(key, start);
      }
      const view = { sbx: this.dir, tmpfs, tmpfsMounts: launcher.mounts, binds: req.mounts ?? [], cwd: req.cwd, env: req.env };
      (launcher.child.stdio[4] as NodeJS.WritableStream).end(bwrapOptions(view).join(''));
      // enter.sh sets the rlimits, then runs bwrap, its options on fd 4.
      plan = [...ulimits, `set -- ${[BWRAP, '--args', '4', '--', ...req.argv].map(shellQuote).join(' ')}`];
    }
    launcher.cgroup?.begin();
    launcher.start(plan.join('; '), req.stdin);
    prepareNext?.();
    const cgroup = launcher.cgroup;
    const child = launcher.child;
    const limitEvents = () => ({ oom: cgroup?.oomKills() ?? 0, pidsMax: cgroup?.pidsMaxEvents() ?? 0 });
    return watchExec(child, req, {
      closed: launcher.closed,
      limitEvents,
      finish: ({ code, signal, limitHit, events }) => {
        // Read before the cgroup goes back: a limit the cgroup enforced is this exec's.
        let hit = limitHit;
        if (cgroup && !hit) {
          if (events.oom > 0) hit = 'memory';
          else if (events.pidsMax > 0 && code !== 0) hit = 'processes';
        }
        launcher.release();
        const audit = auditLog ? readAudit(auditLog) : undefined;
        // bwrap reports a child killed by a signal as exit 128 + n: give the signal its name.
        const bySignal = signal === null && code !== null && code > 128 && code < 128 + 65 ? signalName(code - 128) : null;
        return {
          exitCode: bySignal ? null : code,
          signal: bySignal ?? signal,
          limitHit: hit,
          ...(audit ? { audit: audit.log, auditTruncated: audit.truncated } : {}),
        };
      },
    });
  }

  /**
   * enter.sh, in cgroups of its own and, as root, in a mount namespace of its own (`unshare`) with the scratch
   * tmpfs dirs mounted, as the slot's uid; under strace when the exec is audited. With `ahead`, it starts bwrap
   * at once, /sbx bound from an empty dir of its own, and the plan goes to a shell inside; otherwise it waits for
   * its plan, bwrap included. No host env reaches bwrap's pid 1 (/proc/1/environ, pitfall 2): enter.sh unsets its own.
   */
  private startLauncher(cg: CgroupLayout | null, launch: LaunchSpec, auditLog: string | null, ahead: { tmpfs: TmpfsAt[]; binds: Mount[] } | null): Launcher {
    const cgroup = cg ? acquireCgroup(cg, () => `${ownerTag()}-${randomBytes(4).toString('hex')}`, launch, this.owner) : null;
    const env: Record<string, string> = { DG_CGROUP_PROCS: cgroup?.procsFiles().join('\n') ?? '' };
    let argv = ['/bin/sh', ENTER];
    const caps = !!this.owner && INODE_CAPS;
    // enter.sh makes the launcher's dirs (and, as root, mounts the scratch tmpfs) itself: file system calls cost
    // ~0.1-0.3 ms each here, and this runs on the worker's thread while an exec runs. Names only, then.
    const dir = caps || ahead ? join(dirname(this.dir), `launch-${randomBytes(6).toString('hex')}`) : null;
    const mounts = caps ? launch.tmpfs.map((_, i) => join(dir!, String(i))) : [];
    const sbx = ahead ? join(dir!, 'sbx') : null;
    if (dir) {
      // The sandbox's /sbx, empty but for the mount points bwrap needs: the exec links its files in.
      const mountPoints = [...(ahead?.tmpfs ?? []), ...(ahead?.binds ?? [])].map((m) => m.at).filter((at) => at.startsWith('/sbx/'));
      env.DG_MKDIRS = [dir, ...mounts, ...(sbx ? [sbx, ...mountPoints.map((at) => join(sbx, at.slice('/sbx/'.length)))] : [])].join('\n');
    }
    if (caps) {
      // One fstab, one `mount -a`, in a mount namespace of the launcher's own.
      env.DG_FSTAB = launch.tmpfs.map((t, i) => `dualgauge-scratch ${mounts[i]} tmpfs size=${t.bytes},nr_inodes=${t.inodes},mode=0755,uid=${this.owner!.uid},gid=${this.owner!.gid},nosuid,nodev 0 0\n`).join('');
      argv = ['/usr/bin/unshare', '--mount', '--propagation', 'private', '--', ...argv];
    }
    // As root, enter.sh starts as root (its dirs are in our scratch dir, its mounts need it) and drops to the
    // slot's uid itself before anything of the plan runs.
    if (this.owner) env.DG_UID = String(this.owner.uid);
    if (ahead) env.DG_BWRAP = BWRAP;
    if (auditLog) {
      // strace sits outside everything the candidate can reach: its log is a host file, its process is in no
      // namespace of the sandbox. --seccomp-bpf stops only at traced syscalls (SANDBOX-NOTES.md §3); -xx prints
      // every string in hex, so a path can hold any byte without confusing the parser (strace-log.ts).
      // pdeathsig: if the worker dies, strace dies, and bwrap (--die-with-parent) with it. strace keeps the
      // tool's uid; enter.sh drops to the slot's.
      argv = ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', STRACE, ...AUDIT_STRACE_ARGS, '-o', auditLog, '--', ...argv];
    }
    try {
      const child = spawn(argv[0], argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] });
      if (ahead) {
        const view = { sbx: sbx!, tmpfs: ahead.tmpfs, tmpfsMounts: mounts, binds: ahead.binds, cwd: '/sbx', env: null };
        (child.stdio[4] as NodeJS.WritableStream).end(bwrapOptions(view).join(''));
      }
      return new Launcher(child, cgroup, mounts, dir, sbx);
    } catch (e) {
      void cgroup?.release();
      throw new DualGaugeError('DG_SANDBOX_FAILED', `cannot start the sandbox: ${(e as Error).message}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(`${this.dir}.mnt`, { recursive: true, force: true });
  }
}

