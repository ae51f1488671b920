/**
 * Audit mode (docs/traces.md, "Audit mode"): the syscall trace of a harness process, cut into its cases.
 *
 * The harness marks each window with a syscall strace records: `access("<prefix>/load")` before it loads the
 * candidate and `<prefix>/loaded` after, `<prefix>/s/<i>` just before and `<prefix>/e/<i>` just after the call of its i-th case. The prefix
 * holds a random token, so the candidate cannot emit a marker by chance; a hostile one that finds the token
 * (it is in its process's memory) can only move or hide its own events, and any marker out of order marks the
 * record `tampered`, which audit detectors count against the case.
 *
 * Attribution: in a window, every thread and child process belongs to the case. Between windows only threads and
 * processes the candidate started (in a window, or from one of its own) still count, for the previous case: the
 * harness's main thread (the one that marks) and what it starts between windows (the C++ harness's gcov run) are
 * the harness's own work (fresh work dir, output files, file reports), and threads the runtime started before the
 * candidate loaded are the runtime's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fdPath, hexString, outcomeOf, parseStraceLog, resolveAt, unhex, type Syscall } from '../sandbox/strace-log.js';

/** The code that turns a log into records (this module, compiled or not, and its parser): part of the execution cache key of audited runs. */
export const AUDIT_CODE_HASH = createHash('sha256')
  .update(readFileSync(new URL(import.meta.url)))
  .update(readFileSync(new URL(`../sandbox/strace-log${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url)))
  .digest('hex');

export const AUDIT_DIR = '/.dg-audit';
const WORK_DIR = '/sbx/work';
/** Per case, like the language-level trace: the rest are counted. */
export const AUDIT_EVENT_CAP = 5000;

export interface AuditEvent {
  seq: number;
  type: string;
  syscall: string;
  /** 0: the harness's main thread; 1, 2, …: other threads and processes, numbered as they appear. */
  thread: number;
  /** `ok`, an errno name (`ENOENT`), or `unfinished` when the process died in the call. */
  result: string;
  [field: string]: unknown;
}

export interface CaseAudit {
  /** complete | truncated (the log outgrew its cap) | tampered (markers out of order or missing). */
  status: 'complete' | 'truncated' | 'tampered';
  note?: string;
  events: AuditEvent[];
  dropped: number;
}

export interface ProcessAudit {
  cases: Map<string, CaseAudit>;
  /** Events while the candidate loaded (module-level code). */
  load: AuditEvent[];
}

/**
 * Cuts one process's log into its cases. `caseIds` are the cases the harness was given, in order; `reached` how
 * many of them started (finished or killed), whose windows must be in the log.
 */
export function attributeAudit(log: Buffer, truncated: boolean, prefix: string, caseIds: string[], reached: number): ProcessAudit {
  const calls = parseStraceLog(log.toString('latin1'));
  const perCase: AuditEvent[][] = caseIds.map(() => []);
  const load: AuditEvent[] = [];
  const threads = new Map<number, number>();
  const cwds = new Map<number, { dir: string }>();
  /** Threads and processes the candidate started (by the clone that made them). */
  const candidateTids = new Set<number>();
  let main: number | null = null;
  let phase: 'setup' | 'load' | 'case' | 'between' = 'setup';
  let index = -1;
  let tampered: string | null = null;
  const tamper = (why: string) => (tampered ??= why);
  for (const call of calls) {
    const cwd = followCwd(cwds, call);
    const marker = markerOf(call, prefix);
    if (marker !== null) {
      if (main === null && marker === 'load') main = call.tid;
      if (call.tid !== main) {
        tamper(`a marker from another thread than the harness's (${marker})`);
        continue;
      }
      if (marker === 'load') {
        if (phase !== 'setup') tamper('a second load marker');
        phase = 'load';
      } else if (marker === 'loaded') {
        if (phase !== 'load') tamper('a loaded marker out of order');
        phase = 'between';
      } else {
        const [kind, n] = [marker[0], Number(marker.slice(2))];
        if (kind === 's') {
          if (phase !== 'between' || n !== index + 1 || n >= caseIds.length) tamper(`case marker s/${n} out of order`);
          else {
            index = n;
            phase = 'case';
          }
        } else if (phase !== 'case' || n !== index) tamper(`case marker e/${n} out of order`);
        else phase = 'between';
      }
      continue;
    }
    if (phase === 'setup') continue;
    const inWindow = phase === 'case' || phase === 'load';
    const byCandidate = inWindow || candidateTids.has(call.tid);
    const child = childOf(call);
    if (child && byCandidate) candidateTids.add(child);
    if (!byCandidate) continue;
    const ev = eventOf(call, call.tid === main ? 0 : threadNo(threads, call.tid), cwd);
    if (!ev) continue;
    if (index >= 0) perCase[index].push(ev);
    else load.push(ev);
  }
  if (index + 1 < reached && !tampered && !truncated) tamper(`the log has no window for case ${caseIds[index + 1]} (markers suppressed?)`);
  const cases = new Map<string, CaseAudit>();
  for (let i = 0; i < Math.min(reached, caseIds.length); i++) {
    const all = perCase[i];
    const events = all.slice(0, AUDIT_EVENT_CAP).map((e, k) => ({ ...e, seq: k + 1 }));
    // A truncated log cut the cases from the one whose window it ends in.
    const cut = truncated && i >= index;
    const status = tampered ? 'tampered' : cut ? 'truncated' : 'complete';
    const note = tampered ?? (cut ? 'the syscall log outgrew its cap during this case' : undefined);
    cases.set(caseIds[i], { status, ...(note ? { note } : {}), events, dropped: all.length - events.length });
  }
  return { cases, load: load.slice(0, AUDIT_EVENT_CAP).map((e, k) => ({ ...e, seq: k + 1 })) };
}

/**
 * The working dir of the calling thread, for syscalls that take a path without a dir fd (`mkdir("x")`), which
 * strace does not annotate: learned from every `AT_FDCWD<dir>` annotation and from `chdir`/`fchdir`, passed
 * on at `clone` (shared by threads and `CLONE_FS` children). Sandboxed commands start in the work dir.
 */
function followCwd(cwds: Map<number, { dir: string }>, call: Syscall): string {
  let cwd = cwds.get(call.tid);
  if (!cwd) cwds.set(call.tid, (cwd = { dir: WORK_DIR }));
  const known = call.args.find((a) => a.startsWith('AT_FDCWD<'));
  if (known) cwd.dir = fdPath(known) ?? cwd.dir;
  const ok = outcomeOf(call.ret) === 'ok';
  if (ok && call.name === 'chdir') cwd.dir = resolveAt(cwd.dir, hexString(call.args[0]) ?? '.');
  if (ok && call.name === 'fchdir') cwd.dir = fdPath(call.args[0]) ?? cwd.dir;
  const child = childOf(call);
  if (child) cwds.set(child, /CLONE_(FS|THREAD)/.test(call.args.join(',')) ? cwd : { dir: cwd.dir });
  return cwd.dir;
}

/**
 * The host tid a clone/fork made. The call returns it in the sandbox's pid namespace; `--decode-pids=pidns`
 * adds the host's (`= 3 /* 11072 in strace's PID NS *\/`), which is what log lines are prefixed with.
 */
function childOf(call: Syscall): number | null {
  if (!CLONES.test(call.name)) return null;
  const m = /\/\* (\d+) in strace's PID NS \*\/\s*$/.exec(call.ret) ?? /^(\d+)\s*$/.exec(call.ret);
  const tid = Number(m?.[1]);
  return tid > 0 ? tid : null;
}

function threadNo(threads: Map<number, number>, tid: number): number {
  let n = threads.get(tid);
  if (n === undefined) threads.set(tid, (n = threads.size + 1));
  return n;
}

/** `load`, `loaded`, `s/3`, `e/3` when the call is one of this process's markers. */
function markerOf(call: Syscall, prefix: string): string | null {
  if (!/^(access|faccessat2?)$/.test(call.name)) return null;
  const path = hexString(call.name === 'access' ? call.args[0] : call.args[1]);
  if (!path || !path.startsWith(prefix + '/')) return null;
  const rest = path.slice(prefix.length + 1);
  return /^(load|loaded|[se]\/\d+)$/.test(rest) ? rest : null;
}

const CLONES = /^(clone3?|fork|vfork)$/;
const OPEN_AT: Record<string, number> = { open: 0, creat: 0, openat: 1, openat2: 1 };
const PROBE_AT: Record<string, number> = { stat: 0, lstat: 0, access: 0, readlink: 0, statfs: 0, newfstatat: 1, statx: 1, faccessat: 1, faccessat2: 1, readlinkat: 1 };
const WRITE_FLAGS = /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/;

/** The syscalls audit detectors and the judge read, as events shaped like the language-level ones. */
function eventOf(call: Syscall, thread: number, cwd: string): AuditEvent | null {
  const base = { seq: 0, syscall: call.name, thread, result: outcomeOf(call.ret) };
  const a = call.args;
  /** The path in argument i, resolved against the dir fd in argument dirArg, or the working dir without one. */
  const pathAt = (i: number, dirArg?: number) => resolveAt(dirArg === undefined ? cwd : fdPath(a[dirArg]) ?? cwd, hexString(a[i]) ?? '');
  if (call.name in OPEN_AT) {
    const i = OPEN_AT[call.name];
    const path = i === 0 ? pathAt(0) : pathAt(1, 0);
    const flags = call.name === 'creat' ? 'O_CREAT|O_WRONLY|O_TRUNC' : call.name === 'openat2' ? /flags=([A-Z_|0-9]+)/.exec(a[2] ?? '')?.[1] ?? '' : a[i + 1] ?? '';
    const resolved = fdPath(call.ret);
    return { ...base, type: 'file.open', path, ...(resolved && resolved !== path ? { resolved } : {}), access: WRITE_FLAGS.test(flags) ? 'write' : 'read', flags };
  }
  if (call.name in PROBE_AT) {
    const i = PROBE_AT[call.name];
    const path = i === 0 ? pathAt(0) : pathAt(1, 0);
    // fstat-style calls on an fd (empty path) add nothing to the open that made the fd.
    if (!hexString(a[i])) return null;
    return { ...base, type: 'file.stat', path, access: 'stat' };
  }
  switch (call.name) {
    case 'unlink':
    case 'rmdir':
      return { ...base, type: 'file.delete', path: pathAt(0), access: 'write' };
    case 'unlinkat':
      return { ...base, type: 'file.delete', path: pathAt(1, 0), access: 'write' };
    case 'rename':
      return { ...base, type: 'file.rename', path: pathAt(0), to: pathAt(1), access: 'write' };
    case 'renameat':
    case 'renameat2':
      return { ...base, type: 'file.rename', path: pathAt(1, 0), to: pathAt(3, 2), access: 'write' };
    case 'chmod':
      return { ...base, type: 'file.chmod', path: pathAt(0), mode: a[1], access: 'write' };
    case 'fchmodat':
      return { ...base, type: 'file.chmod', path: pathAt(1, 0), mode: a[2], access: 'write' };
    case 'mkdir':
      return { ...base, type: 'file.mkdir', path: pathAt(0), access: 'write' };
    case 'mkdirat':
      return { ...base, type: 'file.mkdir', path: pathAt(1, 0), access: 'write' };
    case 'symlink':
      return { ...base, type: 'file.link', path: pathAt(1), target: hexString(a[0]), access: 'write' };
    case 'symlinkat':
      return { ...base, type: 'file.link', path: pathAt(2, 1), target: hexString(a[0]), access: 'write' };
    case 'link':
      return { ...base, type: 'file.link', path: pathAt(1), target: pathAt(0), access: 'write' };
    case 'linkat':
      return { ...base, type: 'file.link', path: pathAt(3, 2), target: pathAt(1, 0), access: 'write' };
    case 'execve':
    case 'execveat': {
      const argv = listOf(call.name === 'execve' ? a[1] : a[2]);
      const file = hexString(call.name === 'execve' ? a[0] : a[1]) ?? '';
      const shell = /(^|\/)(ba|da|z|k)?sh$/.test(argv[0] ?? file) && argv.includes('-c');
      const command = shell ? argv[argv.indexOf('-c') + 1] ?? '' : argv.join(' ');
      return { ...base, type: 'proc.exec', path: file, argv, shell, command };
    }
    case 'connect':
    case 'bind':
    case 'sendto':
    case 'sendmsg': {
      const addr = sockaddr(call.name === 'sendto' ? a[4] : call.name === 'sendmsg' ? a[1] : a[1]);
      if (!addr) return null;
      return { ...base, type: call.name === 'bind' ? 'net.listen' : 'net.connect', ...addr };
    }
    default:
      return null;
  }
}

/** `["\x73\x68", "\x2d\x63"]` → ['sh', '-c'] (an abbreviated `...` tail is left out). */
function listOf(arg: string | undefined): string[] {
  if (!arg) return [];
  return [...arg.matchAll(/"((?:\\x[0-9a-f]{2})*)"/g)].map((m) => unhex(m[1]));
}

/** A socket address as strace prints it; only families that reach a network or a named socket. */
function sockaddr(arg: string | undefined): { family: string; address: string; port: number | null } | null {
  const fam = arg && /sa_family=(AF_[A-Z0-9]+)/.exec(arg)?.[1];
  if (!fam || !/^AF_(INET6?|UNIX)$/.test(fam)) return null;
  const address = hexString(/"(?:\\x[0-9a-f]{2})*"/.exec(arg!)?.[0]) ?? '';
  const port = /port=htons\((\d+)\)/.exec(arg!)?.[1];
  return { family: fam, address, port: port === undefined ? null : Number(port) };
}
