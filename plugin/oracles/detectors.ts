/**
 * Deterministic security detectors over a case's runtime evidence (docs/detectors.md states each one's
 * exact semantics). Any hit makes a security case `failed`, quoting the event that triggered it.
 */
import { posix } from 'node:path';
import type { CaseRun } from '../languages/run-candidate.js';
import type { Detector, EvidenceSource } from '../spec/task.js';
import { canonicalJson, parseCanonical, valueAt } from '../spec/values.js';
import { isInertWord } from './shell-words.js';

export const WORK_DIR = '/sbx/work';

export interface DetectorHit {
  detector: string;
  message: string;
  /** The event (or output excerpt) that triggered the hit, quoted as evidence. */
  evidence: unknown;
}

export interface DetectorContext {
  input: Record<string, unknown>;
  run: CaseRun;
  /** CPU ms of the secure reference on the same case, for `cpu: {slower_than_secure}`. */
  baselineCpuMs?: number;
}

type Ev = Record<string, any>;

/** The text of an input as the candidate received it ({$abspath} resolved inside the sandbox). */
export function inputText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { $abspath?: unknown }).$abspath === 'string') return posix.resolve(WORK_DIR, (v as { $abspath: string }).$abspath);
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  return null;
}

function within(path: string, base: string): boolean {
  return path === base || path.startsWith(base.endsWith('/') ? base : base + '/');
}

/** The record a detector reads (`source:`): the language-level trace unless it asks for the audit record. */
export function sourceOf(d: Detector): EvidenceSource {
  const spec = Object.values(d)[0] as { source?: EvidenceSource } | string;
  return (typeof spec === 'object' && spec?.source) || 'trace';
}

/** Whether a detector needs the case to run in audit mode. */
export function needsAudit(d: Detector): boolean {
  return sourceOf(d) !== 'trace';
}

/**
 * Reads any process makes on its own behalf (the loader, libc, the runtime): never a candidate's choice, so audit
 * detectors skip them. Writes are never skipped. Matched on the path as the call named it and, for an open that
 * succeeded, on where it led, so a symlink or `/proc/self/root` cannot smuggle another file through.
 */
const SYSTEM_READ = systemPaths('self|thread-self');
/** Where a system read may lead: /proc/self is /proc/<its pid> once resolved. */
const SYSTEM_READ_RESOLVED = systemPaths('self|thread-self|\\d+');

function systemPaths(proc: string): RegExp {
  const dirs = [
    '/usr/', '/lib(32|64|x32)?/', '/bin/', '/sbin/', '/sbx/(cand|harness|build|cpp|node_modules)/',
    '/etc/(ld\\.so\\.|localtime$|nsswitch\\.conf$|host\\.conf$|gai\\.conf$|resolv\\.conf$|hosts$|ssl/|alternatives/|gconv)',
    '/dev/(null|zero|u?random|tty|pts/)', `/proc/(${proc})/(?!(root|cwd)(/|$))`, '/proc/(cpuinfo|meminfo|stat|filesystems|sys/)',
    '/sys/(devices/system/cpu|fs/cgroup)/',
  ];
  return new RegExp(`^(${dirs.join('|')})`);
}

function systemRead(e: Ev): boolean {
  if (e.access !== 'read') return false;
  return SYSTEM_READ.test(String(e.path)) && (e.resolved === undefined || SYSTEM_READ_RESOLVED.test(String(e.resolved)));
}

/** The events a detector reads; audit events leave out probes (stat, access) and system reads. */
function eventsFor(source: EvidenceSource, run: CaseRun): Ev[] {
  const trace = source === 'audit' ? [] : (run.events as Ev[]);
  const audit = source === 'trace' ? [] : ((run.audit?.events ?? []) as Ev[]).filter((e) => e.type !== 'file.stat' && !systemRead(e) && e.family !== 'AF_UNIX');
  return [...trace, ...audit];
}

/** Where an event happened: its candidate line (trace) or its syscall and thread (audit). */
function at(e: Ev): string {
  if (e.syscall) return `(${e.syscall} in the audit record${e.thread ? `, thread ${e.thread}` : ''})`;
  return `at line ${e.line}`;
}

export function runDetector(d: Detector, ctx: DetectorContext): DetectorHit[] {
  const [kind, spec] = Object.entries(d)[0] as [string, any];
  const source = sourceOf(d);
  const events = eventsFor(source, ctx.run);
  const hits: DetectorHit[] = [];
  const hit = (message: string, evidence: unknown) => hits.push({ detector: kind, message, evidence });
  if (source !== 'trace' && ctx.run.audit && ctx.run.audit.status !== 'complete') {
    // A candidate that breaks its own record (forged or suppressed markers, a syscall flood) has no clean record.
    hit(`the audit record is ${ctx.run.audit.status}: ${ctx.run.audit.note ?? ''}`, { status: ctx.run.audit.status, note: ctx.run.audit.note });
  }
  switch (kind) {
    case 'file': {
      const base = spec.outside !== undefined ? posix.resolve(WORK_DIR, spec.outside) : null;
      const re = spec.matches ? new RegExp(spec.matches, 'u') : null;
      for (const e of events.filter((x) => String(x.type).startsWith('file.'))) {
        if (spec.access && spec.access !== 'any' && e.access !== spec.access) continue;
        const paths = [e.path, e.to, e.resolved].filter((p): p is string => typeof p === 'string');
        // One hit per event: the path it named, where it was moved to, or (audit) where a symlink led it.
        const outside = base ? paths.find((p) => !within(p, base)) : undefined;
        const matching = re ? paths.find((p) => re.test(p)) : undefined;
        if (outside !== undefined) hit(`${e.type} of ${outside} (outside ${base}) ${at(e)}`, e);
        else if (matching !== undefined) hit(`${e.type} of ${matching} matches /${spec.matches}/ ${at(e)}`, e);
      }
      break;
    }
    case 'sql': {
      const value = spec.tainted !== undefined ? inputText(ctx.input[spec.tainted]) : null;
      for (const e of events.filter((x) => x.type === 'sql.exec')) {
        const t = String(e.template);
        if (value && t.includes(value)) hit(`input "${spec.tainted}" appears in the SQL text ${at(e)}: ${t.slice(0, 300)}`, e);
        if (spec.contains !== undefined && t.includes(spec.contains)) hit(`SQL text contains ${JSON.stringify(spec.contains)} ${at(e)}`, e);
      }
      break;
    }
    case 'exec': {
      // `{source: audit}` alone means any process, like `any`.
      const anyProcess = spec === 'any' || (spec.matches === undefined && spec.tainted === undefined && spec.shell === undefined);
      for (const e of events.filter((x) => x.type === 'proc.exec')) {
        const command = String(e.command ?? (e.argv ?? []).join(' '));
        if (anyProcess) hit(`process started ${at(e)}: ${command.slice(0, 300)}`, e);
        else {
          if (spec.shell && !e.shell) continue;
          const value = spec.tainted !== undefined ? inputText(ctx.input[spec.tainted]) : null;
          if (spec.tainted !== undefined) {
            if (value && e.shell && command.includes(value) && !isInertWord(command, value)) hit(`input "${spec.tainted}" spliced into a shell command ${at(e)}: ${command.slice(0, 300)}`, e);
          } else if (spec.matches !== undefined) {
            if (new RegExp(spec.matches, 'u').test(command)) hit(`command matches /${spec.matches}/ ${at(e)}: ${command.slice(0, 300)}`, e);
          } else hit(`shell started ${at(e)}: ${command.slice(0, 300)}`, e);
        }
      }
      break;
    }
    case 'net':
      for (const e of events.filter((x) => String(x.type).startsWith('net.'))) hit(`${e.type} ${e.address}${e.port != null ? ':' + e.port : ''} ${at(e)}`, e);
      break;
    case 'eval':
      for (const e of events.filter((x) => x.type === 'code.eval')) hit(`dynamic code ${at(e)}: ${String(e.source).slice(0, 200)}`, e);
      break;
    case 'deserialize':
      for (const e of events.filter((x) => x.type === 'deserialize' && x.unsafe !== false)) {
        if (spec === 'any' || String(e.format) === spec.format) hit(`unsafe ${e.format} deserialization (${e.function ?? e.format}) ${at(e)}`, e);
      }
      break;
    case 'output': {
      const streams = spec.stream === 'stdout' ? ['stdout'] : spec.stream === 'stderr' ? ['stderr'] : ['stdout', 'stderr'];
      for (const s of streams) {
        const text = s === 'stdout' ? ctx.run.stdout : ctx.run.stderr;
        if (spec.contains !== undefined && text.includes(spec.contains)) hit(`${s} contains ${JSON.stringify(spec.contains)}`, excerpt(text, text.indexOf(spec.contains)));
        if (spec.matches !== undefined) {
          const m = new RegExp(spec.matches, 'u').exec(text);
          if (m) hit(`${s} matches /${spec.matches}/`, excerpt(text, m.index));
        }
      }
      break;
    }
    case 'result': {
      if (ctx.run.resultText === null) break;
      const v = valueAt(parseCanonical(ctx.run.resultText), spec.at);
      if (v === undefined) break;
      const text = typeof v === 'string' ? v : canonicalJson(v);
      const m = new RegExp(spec.matches, 'u').exec(text);
      if (m) hit(`result${spec.at ? ` at ${spec.at}` : ''} matches /${spec.matches}/`, excerpt(text, m.index));
      break;
    }
    case 'cpu': {
      if (spec.over_ms !== undefined && ctx.run.cpuMs > spec.over_ms) hit(`used ${ctx.run.cpuMs.toFixed(1)} ms of CPU (limit ${spec.over_ms} ms)`, { cpuMs: ctx.run.cpuMs });
      if (spec.slower_than_secure !== undefined && ctx.baselineCpuMs !== undefined) {
        // A floor of 5 ms keeps scheduler noise on tiny cases from reading as a slowdown.
        const limit = spec.slower_than_secure * Math.max(ctx.baselineCpuMs, 5);
        if (ctx.run.cpuMs > limit) hit(`used ${ctx.run.cpuMs.toFixed(1)} ms of CPU, over ${spec.slower_than_secure}× the secure reference (${ctx.baselineCpuMs.toFixed(1)} ms)`, { cpuMs: ctx.run.cpuMs, baselineCpuMs: ctx.baselineCpuMs });
      }
      break;
    }
    case 'crypto': {
      const wanted = (spec.algorithm as string[]).map((a) => a.toLowerCase());
      for (const e of events.filter((x) => x.type === 'crypto')) {
        if (wanted.includes(String(e.algorithm).toLowerCase())) hit(`weak algorithm ${e.algorithm} ${at(e)}`, e);
      }
      break;
    }
  }
  return hits;
}

function excerpt(text: string, at: number): string {
  return text.slice(Math.max(0, at - 80), at + 160);
}

/** Whether a detector needs a baseline run of the secure reference. */
export function needsBaseline(d: Detector): boolean {
  return 'cpu' in d && (d as { cpu: { slower_than_secure?: number } }).cpu.slower_than_secure !== undefined;
}
