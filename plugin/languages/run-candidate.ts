/**
 * Runs every case of one candidate: one sandbox, one harness process for all cases; a case that kills the
 * process is reported with its cause and the rest continue in a fresh sandbox.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { buildCandidate } from './build-candidate.js';
import { StringDecoder } from 'node:string_decoder';
import { mib } from '../sandbox/bwrap.js';
import type { Limits } from '../config/types.js';
import type { ExecResult, Sandbox } from '../sandbox/types.js';
import type { Interface } from '../spec/task.js';
import { canonicalJson, parseCanonical } from '../spec/values.js';
import { toPlain } from '../config/yaml-source.js';
import type { CandidateLayout, HarnessCase, HarnessInput, Language } from './types.js';
import { attributeAudit, AUDIT_DIR, type AuditEvent, type CaseAudit, type ProcessAudit } from './audit.js';

export type SampleFailure = 'build-failed' | 'startup-failed';
export type KillCause = 'timeout' | 'memory' | 'processes' | 'output' | 'disk' | 'crash';

export interface CaseRun {
  id: string;
  /** returned | raised | unserializable: the harness reported; killed: the process died in this case. */
  status: 'returned' | 'raised' | 'unserializable' | 'killed';
  /** Canonical JSON text of the result (text keeps 1 and 1.0 apart). */
  resultText: string | null;
  error: { type: string; message: string; errno: number | null; line: number | null } | null;
  killed?: { cause: KillCause; exitCode: number | null; signal: string | null; stderrTail: string; detail?: string };
  stdout: string;
  stderr: string;
  stdoutBytes: number;
  stderrBytes: number;
  /** stdout or stderr reached the output limit during this case. */
  outputExceeded: boolean;
  /** How the language's numbers compare: `numeric` when it has no separate int and float (JavaScript). */
  numbers?: 'distinct' | 'numeric';
  /** The process limit refused a fork during this case (cgroup pids counter, or EAGAIN from fork). */
  processLimitHit?: boolean;
  cpuMs: number;
  wallMs: number;
  events: Record<string, unknown>[];
  /**
   * Lines of the candidate's main file this case executed; null when the harness reports them after the last
   * case (C++: one gcov run per process) and the process ended before it could.
   */
  lines: number[] | null;
  files: Record<string, { exists: boolean; mode?: string; size?: number; symlink?: boolean; content?: { $bytes: string } }>;
  /** Audit mode: the syscall-level record of this case, from outside the candidate's process. */
  audit?: CaseAudit;
}

export interface CandidateRun {
  sampleFailure: { outcome: SampleFailure; message: string; detail?: unknown } | null;
  /** Executable lines of the candidate's main file, when its harness reports them (JavaScript, C++). */
  executable?: number[];
  cases: Record<string, CaseRun>;
  /** Audit mode: syscalls while the candidate loaded (module-level code), from the first audited process. */
  auditLoad?: AuditEvent[];
  /**
   * Audit mode could not run (strace missing or broken: our fault): the audited cases have no result and this
   * says why; the other cases stand. A run with it is not cached.
   */
  auditError?: string;
  processes: number;
  toolchain: Record<string, string>;
}

export interface RunRequest {
  language: Language;
  sandbox: Sandbox;
  itf: Interface;
  /** Candidate files relative to the candidate dir (the main file is language.mainFile). */
  files: Record<string, string | Buffer>;
  cases: HarnessCase[];
  fixturesDir: string | null;
  env: Record<string, string>;
  /** The task's build settings for this language. */
  build?: { libs?: string[]; flags?: string[] };
  limits: Limits;
  signal?: AbortSignal;
  /** Cases to run in audit mode: they run in processes of their own, under a host-side strace. */
  audit?: ReadonlySet<string>;
  /** Benchmarking only: the language-level trace and coverage (HarnessInput.instrument); default both on. */
  instrument?: HarnessInput['instrument'];
}

const CAND_DIR = '/sbx/cand';
/** Start-up allowance before the first case (interpreter start, imports) on top of the case timeout. */
const STARTUP_MS = 10_000;

export function candidateEnv(taskEnv: Record<string, string>): Record<string, string> {
  // Fixed and documented (docs/candidate-runtime.md); nothing of the host leaks in.
  return { PATH: '/usr/bin:/bin', HOME: '/sbx/work', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC', ...taskEnv };
}

export async function runCandidate(req: RunRequest): Promise<CandidateRun> {
  const out: CandidateRun = { sampleFailure: null, cases: {}, processes: 0, toolchain: req.language.toolchain().versions };
  const layout: CandidateLayout = req.language.layout ? req.language.layout(req.files) : { files: req.files, mainFile: req.language.mainFile };
  let buildDir: string | null = null;
  if (req.language.build) {
    const built = await buildCandidate(req.language, req.sandbox, layout, harnessInput(req, req.cases, layout), req.limits, req.signal);
    if (built.failure) {
      out.sampleFailure = { outcome: 'build-failed', message: built.failure.message, detail: { log: built.failure.log } };
      return out;
    }
    buildDir = built.dir;
  }
  try {
    // Audited cases run in processes of their own: strace slows every syscall, and the others need none of it.
    const audited = req.cases.filter((c) => req.audit?.has(c.id));
    const plain = req.cases.filter((c) => !req.audit?.has(c.id));
    for (const [group, audit] of [[plain, false], [audited, true]] as const) {
      let failure: CandidateRun['sampleFailure'] = null;
      try {
        failure = await runGroup(req, group, audit, layout, buildDir, out);
      } catch (e) {
        if (!audit || req.signal?.aborted) throw e;
        // Only the audited cases depend on the tracer: the others keep their results.
        for (const c of group) delete out.cases[c.id];
        const hint = (e as { hint?: string })?.hint;
        out.auditError = `${(e as Error)?.message ?? String(e)}${hint ? `: ${hint}` : ''}`;
      }
      if (failure) {
        out.sampleFailure = failure;
        return out;
      }
    }
    return out;
  } finally {
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  }
}

/** Runs a group of cases, restarting after a case that ends its process; a sample-level failure ends it. */
async function runGroup(req: RunRequest, cases: HarnessCase[], audit: boolean, layout: CandidateLayout, buildDir: string | null, out: CandidateRun): Promise<CandidateRun['sampleFailure']> {
  let remaining = cases;
  while (remaining.length > 0) {
    out.processes++;
    const { done, killedCase, killInfo, sampleFailure, protocolError, audits } = await runOnce(req, remaining, layout, buildDir, out, audit);
    const withAudit = (c: CaseRun): CaseRun => {
      const a = audits?.cases.get(c.id);
      return { ...c, numbers: req.language.numbers, ...(a ? { audit: a } : {}) };
    };
    if (audits && !out.auditLoad) out.auditLoad = audits.load;
    for (const c of done) out.cases[c.id] = withAudit(c);
    if (sampleFailure) return sampleFailure;
    const finished = new Set(done.map((c) => c.id));
    if (killedCase) {
      out.cases[killedCase] = withAudit(killedRun(killedCase, killInfo!, protocolError));
      finished.add(killedCase);
    } else if (remaining.every((c) => finished.has(c.id))) {
      break;
    } else if (done.length === 0) {
      // Died before any case started and not at import time: nothing to blame on a case.
      return { outcome: 'startup-failed', message: `the harness process ended before the first case (${describeKill(killInfo!)})`, detail: killInfo };
    }
    const idx = remaining.findIndex((c) => !finished.has(c.id));
    remaining = idx < 0 ? [] : remaining.slice(idx);
  }
  return null;
}

function harnessInput(req: RunRequest, cases: HarnessCase[], layout: CandidateLayout, audit: string | null = null): HarnessInput {
  return { itf: req.itf, cases, candDir: CAND_DIR, candFile: `${CAND_DIR}/${layout.mainFile}`, outputCap: req.limits.outputBytes, build: req.build, audit, instrument: req.instrument };
}

interface KillInfo {
  cause: KillCause;
  exitCode: number | null;
  signal: string | null;
  stderrTail: string;
  /** Which limit, when the cause alone does not say (the CPU limit is a `timeout` too). */
  detail?: string;
}

function describeKill(k: KillInfo): string {
  return `${k.cause}${k.signal ? `, signal ${k.signal}` : ''}${k.exitCode !== null ? `, exit ${k.exitCode}` : ''}${k.stderrTail ? `: ${k.stderrTail.slice(-300)}` : ''}`;
}

function killedRun(id: string, k: KillInfo, protocolError: string | null): CaseRun {
  return {
    id,
    status: 'killed',
    resultText: null,
    error: null,
    killed: { ...k, detail: protocolError ?? k.detail },
    stdout: '',
    stderr: k.stderrTail,
    stdoutBytes: 0,
    stderrBytes: 0,
    outputExceeded: k.cause === 'output',
    cpuMs: 0,
    wallMs: 0,
    events: [],
    lines: [],
    files: {},
  };
}

interface OnceResult {
  done: CaseRun[];
  killedCase: string | null;
  killInfo: KillInfo;
  sampleFailure: CandidateRun['sampleFailure'];
  protocolError: string | null;
  audits?: ProcessAudit;
}

async function runOnce(req: RunRequest, cases: HarnessCase[], layout: CandidateLayout, buildDir: string | null, run: CandidateRun, audit: boolean): Promise<OnceResult> {
  const session = req.sandbox.openSession();
  try {
    const nonce = randomBytes(16).toString('hex');
    const auditPrefix = audit ? `${AUDIT_DIR}/${randomBytes(12).toString('hex')}` : null;
    const plan = req.language.harness(harnessInput(req, cases, layout, auditPrefix), nonce);
    for (const [rel, data] of Object.entries(layout.files)) session.writeFile(`cand/${rel}`, data);
    for (const [rel, data] of Object.entries(plan.files)) session.writeFile(rel, data);
    for (const d of ['work', 'out', 'fixtures', 'build', ...(plan.mounts ?? []).map((m) => m.at.replace(/^\/sbx\//, ''))]) session.mkdir(d);
    if (req.fixturesDir && existsSync(req.fixturesDir)) cpSync(req.fixturesDir, `${session.dir}/fixtures`, { recursive: true, verbatimSymlinks: true });
    const done: CaseRun[] = [];
    let current: string | null = null;
    let sampleFailure: CandidateRun['sampleFailure'] = null;
    let protocolError: string | null = null;
    let trusted = true;
    let bye = false;
    let setupFailed: { case: string; message: string } | null = null;
    let pending = '';
    const decoder = new StringDecoder('utf8');
    let eventsBefore = { oom: 0, pidsMax: 0 };
    const handle = session.exec({
      argv: plan.argv,
      env: { ...candidateEnv(req.env), ...plan.env },
      cwd: '/sbx/work',
      stdin: plan.stdin,
      limits: { ...req.limits, timeoutMs: req.limits.timeoutMs + STARTUP_MS },
      mounts: [...(buildDir ? [{ host: buildDir, at: '/sbx/build' }] : []), ...(plan.mounts ?? [])],
      tmpfs: [
        { at: '/sbx/work', bytes: mib(req.limits.diskMb) },
        // Per-case stdout/stderr land here: the kernel enforces the output cap (ENOSPC past it).
        { at: '/sbx/out', bytes: req.limits.outputBytes * 2 + 65536, inodes: 1024 },
      ],
      signal: req.signal,
      audit,
      onChannel: (chunk) => {
        // A decoder keeps a UTF-8 character split across two chunks whole.
        pending += decoder.write(chunk);
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (trusted) onLine(line);
        }
      },
    });
    // The channel is untrusted (the candidate shares the harness's process): anything unexpected taints the rest.
    function onLine(line: string) {
      let msg: Record<string, unknown>;
      try {
        msg = parseCanonical(line) as Record<string, unknown>;
      } catch {
        return taint(`unparseable channel line: ${line.slice(0, 200)}`);
      }
      if (msg.n !== nonce) return taint('a channel line without the run nonce (forged output?)');
      switch (msg.t) {
        case 'hello':
        case 'loaded':
          // The candidate's executable lines (the coverage denominator of `validate`), where the harness knows them.
          if (Array.isArray(msg.executable) && !run.executable) run.executable = (toPlain(msg.executable) as unknown[]).filter((l): l is number => typeof l === 'number');
          return;
        case 'start': {
          const expected = cases[done.length]?.id;
          if (current !== null || msg.case !== expected) return taint(`case "${String(msg.case)}" started out of order`);
          current = expected;
          handle.resetTimer(req.limits.timeoutMs);
          return;
        }
        case 'done':
          if (msg.case !== current) return taint(`result for "${String(msg.case)}" while "${current}" was running`);
          {
            // The counter may be read late (several lines in one chunk), so a raise of EAGAIN from fork also counts.
            const run = toCaseRun(msg, req.limits.outputBytes);
            const now = handle.limitEvents();
            const eagain = run.status === 'raised' && run.error?.errno === 11;
            done.push({ ...run, processLimitHit: now.pidsMax > eventsBefore.pidsMax || eagain });
            eventsBefore = now;
          }
          current = null;
          return;
        case 'coverage': {
          // Lines of cases this process ran, for a harness that reports them after the last case (C++).
          const byCase = (toPlain(msg.cases) ?? {}) as Record<string, unknown>;
          for (const d of done) if (d.lines === null && Array.isArray(byCase[d.id])) d.lines = numbersOf(byCase[d.id]);
          return;
        }
        case 'build-failed':
        case 'startup-failed':
          sampleFailure = { outcome: msg.t, message: String((msg.error as { message?: string })?.message ?? msg.t), detail: toPlain(msg.error) };
          return;
        case 'setup-failed':
          // The harness could not prepare the next case (an earlier case hoarded fds or disk): start afresh there.
          if (current !== null || msg.case !== cases[done.length]?.id) return taint(`setup of "${String(msg.case)}" failed out of order`);
          setupFailed = { case: String(msg.case), message: String((msg.error as { message?: string })?.message ?? '') };
          return;
        case 'bye':
          bye = current === null && done.length === cases.length;
          if (!bye) taint('harness ended early');
          return;
        default:
          return taint(`unknown channel message ${String(msg.t)}`);
      }
    }
    function taint(why: string) {
      trusted = false;
      protocolError = why;
      handle.kill();
    }
    const res = await handle.result;
    if (res.aborted) throw new Error('aborted');
    // What the process did, decided from its channel and how it ended.
    const r = ((): OnceResult => {
      const stderrTail = res.stderr.toString('utf8').slice(-2000);
      const killInfo: KillInfo = { cause: killCause(res, eventsBefore, req.limits.cpuS), exitCode: res.exitCode, signal: res.signal, stderrTail };
      if (killInfo.cause === 'timeout' && res.limitHit !== 'timeout') killInfo.detail = `the CPU time limit (cpu_s: ${req.limits.cpuS} s per harness process)`;
      else if (killInfo.cause === 'timeout') killInfo.detail = `the wall time limit (timeout_ms: ${req.limits.timeoutMs} ms per case)`;
      if (sampleFailure) return { done, killedCase: null, killInfo, sampleFailure, protocolError };
      if (bye && trusted && res.limitHit === null) return { done, killedCase: null, killInfo, sampleFailure: null, protocolError: null };
      const setup = setupFailed as { case: string; message: string } | null;
      if (setup && trusted && res.limitHit === null) {
        // In a fresh process nothing earlier can be at fault: then it is this case's own doing.
        if (done.length > 0) return { done, killedCase: null, killInfo, sampleFailure: null, protocolError: null };
        return { done, killedCase: setup.case, killInfo: { ...killInfo, cause: 'crash' as const }, sampleFailure: null, protocolError: `the harness could not prepare this case in a fresh process: ${setup.message}` };
      }
      // The process died (or was stopped, or its channel was tampered with) in the middle of `current`: blame it.
      // Between cases, blame the case that just finished, not the next one: whatever ends a process between
      // cases was started by the previous case (a thread, a timer, a hoarded resource), and a candidate that
      // forges its own `done` line and exits (or lets the real one follow) would otherwise keep the forged result.
      let killedCase: string | null = current as string | null;
      if (killedCase === null && done.length > 0) killedCase = done.pop()!.id;
      if (killedCase === null && !protocolError) {
        return { done, killedCase: null, killInfo, sampleFailure: { outcome: 'startup-failed' as const, message: `the candidate could not be loaded (${describeKill(killInfo)})`, detail: killInfo }, protocolError };
      }
      return { done, killedCase: killedCase ?? cases[0]?.id ?? null, killInfo: protocolError ? { ...killInfo, cause: 'crash' as const } : killInfo, sampleFailure: null, protocolError };
    })();
    if (auditPrefix) {
      // No log at all is ours (strace could not start): an infrastructure error, never a clean record.
      if (!res.audit?.length) throw new Error(`audit mode: strace left no log (${res.stderr.toString('utf8').slice(-300)})`);
      const reached = r.done.length + (r.killedCase ? 1 : 0);
      r.audits = attributeAudit(res.audit, res.auditTruncated ?? false, auditPrefix, cases.map((c) => c.id), reached);
    }
    return r;
  } finally {
    await session.close();
  }
}

/**
 * Why the process ended. With cgroups, the counters since the case started say whether this case hit the
 * memory or process limit, even when the wall timer fired first (a fork bomb spins until the timeout; its
 * cause is the process limit it ran into).
 */
function killCause(res: ExecResult, before: { oom: number; pidsMax: number }, cpuS: number): KillCause {
  if (res.limitEvents.oom > before.oom) return 'memory';
  if (res.limitEvents.pidsMax > before.pidsMax && res.limitHit !== 'output') return 'processes';
  if (res.limitHit === 'timeout' || res.limitHit === 'output') return res.limitHit;
  if (res.limitHit && res.limitEvents.oom + res.limitEvents.pidsMax === 0) return res.limitHit;
  // RLIMIT_FSIZE's signal, for a runtime that does not ignore it (the harnesses do, and get EFBIG).
  if (res.signal === 'SIGXFSZ') return 'disk';
  return res.signal === 'SIGXCPU' || (res.signal === 'SIGKILL' && res.durationMs >= cpuS * 1000) ? 'timeout' : 'crash';
}

/** Line numbers from the (untrusted) channel: anything else is dropped. */
function numbersOf(v: unknown): number[] {
  return Array.isArray(v) ? v.filter((l): l is number => Number.isInteger(l)) : [];
}

function toCaseRun(msg: Record<string, unknown>, outputCap: number): CaseRun {
  const p = toPlain({ ...msg, result: null }) as Record<string, any>;
  return {
    id: p.case,
    status: p.status,
    resultText: p.status === 'returned' ? canonicalJson(msg.result) : null,
    error: p.error ?? null,
    stdout: p.stdout ?? '',
    stderr: p.stderr ?? '',
    stdoutBytes: p.stdout_bytes ?? 0,
    stderrBytes: p.stderr_bytes ?? 0,
    outputExceeded: (p.stdout_bytes ?? 0) >= outputCap || (p.stderr_bytes ?? 0) >= outputCap,
    cpuMs: p.cpu_ms ?? 0,
    wallMs: p.wall_ms ?? 0,
    events: p.events ?? [],
    lines: p.lines === null ? null : numbersOf(p.lines),
    files: p.files ?? {},
  };
}
