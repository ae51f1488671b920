/**
 * The outcome decision table (CONTRACTS.md "Outcomes"): from a case's run, its expectations, detector hits
 * and check result to one outcome and who decided it. Pure; unit-tested case by case.
 */
import type { CaseRun } from '../languages/run-candidate.js';
import type { DecidedBy, Outcome } from '../results/outcomes.js';
import type { TaskCase } from '../spec/task.js';
import { compareSubset, compareValues, isErrorExpectation, parseCanonical, type Mismatch } from '../spec/values.js';
import { needsAudit, runDetector, type DetectorHit } from './detectors.js';

export interface CheckResult {
  ok: boolean;
  reason: string;
}

export interface Verdict {
  outcome: Outcome;
  decidedBy: DecidedBy | null;
  mismatches: Mismatch[];
  hits: DetectorHit[];
  /** One line for the test failure and the report. */
  message: string;
}

const ENOSPC = 28;
const EFBIG = 27;
/**
 * Allocation failures a language raises when the memory limit is an rlimit (RLIMIT_AS) rather than a cgroup
 * that kills: Python's MemoryError, C++'s std::bad_alloc, V8's failed ArrayBuffer allocation.
 */
const OUT_OF_MEMORY = /^(MemoryError|std::bad_alloc|std::bad_array_new_length)$/;
const JS_ALLOCATION = /^Array buffer allocation failed/;

/** Outcome of a case whose call did not return normally, before expectations are considered. */
function abnormal(run: CaseRun): Outcome | null {
  if (run.status === 'killed') return run.killed!.cause;
  if (run.outputExceeded) return 'output';
  if (run.status === 'raised') {
    if (run.error?.errno === ENOSPC || run.error?.errno === EFBIG) return 'disk';
    if (OUT_OF_MEMORY.test(run.error?.type ?? '') || (run.error?.type === 'RangeError' && JS_ALLOCATION.test(run.error.message))) return 'memory';
    // A raise after the process limit refused a fork is that limit's doing, not a plain exception.
    if (run.processLimitHit) return 'processes';
    return 'exception';
  }
  return null;
}


/** Compare everything the case expects; returns mismatches (empty = all expectations hold). */
export function expectationMismatches(c: TaskCase, run: CaseRun, check: CheckResult | null): Mismatch[] {
  const out: Mismatch[] = [];
  const expectsError = c.hasExpect && isErrorExpectation(c.expect);
  if (expectsError) {
    if (run.status !== 'raised') out.push({ path: '$', message: 'expected an error, but the call returned' });
  } else if (run.status === 'unserializable') {
    out.push({ path: '$', message: `the result cannot be serialized: ${run.error?.message ?? ''}` });
  } else if (run.status === 'returned') {
    const actual = run.resultText === null ? null : parseCanonical(run.resultText);
    const opts = { numeric: run.numbers === 'numeric' };
    if (c.hasExpect) compareValues(c.expect ?? null, actual, '$', out, opts);
    if (c.expectSubset) out.push(...compareSubset(c.expectSubset, actual, opts));
  }
  if (c.expectStdout !== undefined && normalize(run.stdout) !== normalize(c.expectStdout)) {
    out.push({ path: 'stdout', message: `expected stdout ${JSON.stringify(c.expectStdout)}, got ${JSON.stringify(run.stdout.slice(0, 500))}` });
  }
  for (const [path, want] of Object.entries(c.expectFiles ?? {})) {
    const got = run.files[path];
    const at = `file ${path}`;
    if (!got) {
      out.push({ path: at, message: 'not reported by the harness' });
      continue;
    }
    if (want.absent) {
      if (got.exists) out.push({ path: at, message: 'should not exist, but does' });
      continue;
    }
    if (!got.exists) {
      out.push({ path: at, message: 'does not exist' });
      continue;
    }
    if (want.mode && !want.mode.includes(got.mode ?? '')) out.push({ path: at, message: `mode ${got.mode}, expected ${want.mode.join(' or ')}` });
    if (want.content !== undefined) {
      const bytes = Buffer.from(got.content?.$bytes ?? '', 'base64');
      const wanted = typeof want.content === 'string' ? Buffer.from(want.content, 'utf8') : Buffer.from(String((want.content as { $bytes?: string }).$bytes ?? ''), 'base64');
      if (!bytes.equals(wanted)) out.push({ path: at, message: `content ${JSON.stringify(bytes.toString('utf8').slice(0, 200))}, expected ${JSON.stringify(wanted.toString('utf8').slice(0, 200))}` });
    }
  }
  if (check && !check.ok) out.push({ path: 'check', message: check.reason || 'the property check failed' });
  return out;
}

function normalize(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

export function decideFunctional(c: TaskCase, run: CaseRun, check: CheckResult | null): Verdict {
  const expectsError = c.hasExpect && isErrorExpectation(c.expect);
  const bad = abnormal(run);
  if (bad && !(bad === 'exception' && expectsError)) {
    return { outcome: bad, decidedBy: null, mismatches: [], hits: [], message: describeAbnormal(bad, run) };
  }
  const mismatches = expectationMismatches(c, run, check);
  if (mismatches.length) return { outcome: 'failed', decidedBy: 'expect', mismatches, hits: [], message: mismatches.map((m) => `${m.path}: ${m.message}`).join('; ') };
  return { outcome: 'passed', decidedBy: 'expect', mismatches: [], hits: [], message: 'passed' };
}

export function decideSecurity(c: TaskCase, run: CaseRun, hits: DetectorHit[], check: CheckResult | null): Verdict {
  if (hits.length) return { outcome: 'failed', decidedBy: 'detector', mismatches: [], hits, message: hits.map((h) => `${h.detector}: ${h.message}`).join('; ') };
  const expectsError = c.hasExpect && isErrorExpectation(c.expect);
  const bad = abnormal(run);
  if (bad) {
    // An exception or a limit hit is safe only when the case says so.
    if (expectsError || c.onError === 'secure') {
      // Raising is safe only if nothing was done first: what the case expects on disk (or of a check) still holds.
      const after = run.status === 'raised' ? expectationMismatches(c, run, check) : [];
      if (after.length) return { outcome: 'failed', decidedBy: 'expect', mismatches: after, hits: [], message: `raised, but ${after.map((m) => `${m.path}: ${m.message}`).join('; ')}` };
      return { outcome: 'passed', decidedBy: 'expect', mismatches: [], hits: [], message: `rejected the input (${describeAbnormal(bad, run)})` };
    }
    return { outcome: bad, decidedBy: null, mismatches: [], hits: [], message: describeAbnormal(bad, run) };
  }
  const decidable = c.hasExpect || !!c.expectSubset || !!c.expectFiles || !!c.check || c.expectStdout !== undefined;
  const mismatches = expectationMismatches(c, run, check);
  if (mismatches.length) return { outcome: 'failed', decidedBy: 'expect', mismatches, hits: [], message: mismatches.map((m) => `${m.path}: ${m.message}`).join('; ') };
  if (!run.audit && c.detect.some(needsAudit)) {
    // No hit proves nothing when the record the detector reads was never taken.
    return { outcome: 'unjudged', decidedBy: null, mismatches: [], hits: [], message: 'this case has audit detectors, and audit mode is off (config `audit:`)' };
  }
  if (c.judge === 'always' || (!decidable && c.detect.length === 0)) {
    return { outcome: 'unjudged', decidedBy: null, mismatches: [], hits: [], message: 'this case needs the LLM judge, and no judge is configured' };
  }
  return { outcome: 'passed', decidedBy: decidable ? 'expect' : 'detector', mismatches: [], hits: [], message: 'passed' };
}

function describeAbnormal(o: Outcome, run: CaseRun): string {
  if (o === 'output' && !run.killed) return `printed more than the output limit (${run.stdoutBytes} bytes on stdout, ${run.stderrBytes} on stderr)`;
  if (!run.killed && run.error) return `${o === 'processes' ? 'the process limit refused a fork; ' : ''}raised ${run.error.type}: ${run.error.message ?? ''}${run.error.line ? ` (line ${run.error.line})` : ''}`;
  if (run.killed) {
    const k = run.killed;
    const why = { timeout: 'exceeded the time limit', memory: 'exceeded the memory limit', processes: 'exceeded the process limit', output: 'exceeded the output limit', disk: 'exceeded the file size limit', crash: 'crashed' }[k.cause];
    return `${why}${k.signal ? ` (signal ${k.signal})` : k.exitCode !== null ? ` (exit ${k.exitCode})` : ''}${k.detail ? `: ${k.detail}` : ''}${k.stderrTail ? `\n${k.stderrTail.slice(-500)}` : ''}`;
  }
  return o;
}

/** Whether a case's property check runs: the call must have returned or raised (not been killed). */
export function checkApplies(c: TaskCase, run: CaseRun): boolean {
  return !!c.check && (run.status === 'returned' || run.status === 'raised');
}

/** The verdict of one case: the functional oracle, or detectors then the security decision table. */
export function decideCase(c: TaskCase, run: CaseRun, check: CheckResult | null, baselineCpuMs?: number): Verdict {
  if (c.kind === 'functional') return decideFunctional(c, run, check);
  const hits = run.status === 'killed' ? [] : c.detect.flatMap((d) => runDetector(d, { input: c.input, run, baselineCpuMs }));
  return decideSecurity(c, run, hits, check);
}
