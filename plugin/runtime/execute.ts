/** Worker side: run (or fetch from the cache) every case of one candidate, and property checks. */
import type { AuditMode, LanguageName, Limits } from '../config/types.js';
import { needsAudit } from '../oracles/detectors.js';
import { AUDIT_CODE_HASH } from '../languages/audit.js';
import { getLanguage } from '../languages/index.js';
import { PYTHON } from '../languages/python/index.js';
import { candidateEnv, runCandidate, type CandidateRun } from '../languages/run-candidate.js';
import type { HarnessCase, Language } from '../languages/types.js';
import type { CheckResult } from '../oracles/decide.js';
import { BWRAP_PROFILE, BwrapSandbox } from '../sandbox/bwrap.js';
import type { Sandbox } from '../sandbox/types.js';
import { Cache, sha256 } from '../results/store.js';
import { interfaceFor, type Task, type TaskCase } from '../spec/task.js';
import { canonicalJson } from '../spec/values.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bumped when the harness protocol or result shape changes: old cache entries stop matching. */
// 2: CandidateRun.executable (the coverage denominator the JavaScript and C++ harnesses report).
// 3: CaseRun.audit and CandidateRun.auditLoad (audit mode).
const EXECUTION_SCHEMA = 3;

let sandbox: Sandbox | undefined;
export function workerSandbox(): Sandbox {
  sandbox ??= new BwrapSandbox();
  return sandbox;
}

export function limitsFor(task: Task, limits: Limits): Limits {
  return {
    ...limits,
    timeoutMs: task.limits.timeout_ms ?? limits.timeoutMs,
    memoryMb: task.limits.memory_mb ?? limits.memoryMb,
  };
}

function casesFor(task: Task, lang: LanguageName): HarnessCase[] {
  const itf = interfaceFor(task, lang);
  return task.cases.map((c) => ({
    id: c.id,
    // Derived parameters (length_of) get a placeholder; the harness computes them.
    args: itf.params.map((p) => (p.value ? null : c.input[p.name] ?? null)),
    stdin: c.stdin,
    files: Object.keys(c.expectFiles ?? {}),
  }));
}

/** The cases a run audits (config `audit:`, docs/traces.md "Audit mode"). */
export function auditedCases(task: Task, mode: AuditMode): string[] {
  if (mode === 'off') return [];
  if (mode === 'all') return task.cases.map((c) => c.id);
  return task.cases.filter((c) => c.kind === 'security' && (mode === 'security' || c.detect.some(needsAudit))).map((c) => c.id);
}

export interface ExecutionResult {
  run: CandidateRun;
  cached: boolean;
}

export async function executeCandidate(opts: {
  task: Task;
  language: LanguageName;
  files: Record<string, Buffer>;
  candidateHash: string;
  limits: Limits;
  /** Default `auto`. */
  audit?: AuditMode;
  cache: Cache;
  signal?: AbortSignal;
}): Promise<ExecutionResult> {
  const lang = getLanguage(opts.language) as Language;
  const itf = interfaceFor(opts.task, opts.language);
  const cases = casesFor(opts.task, opts.language);
  const limits = limitsFor(opts.task, opts.limits);
  const audit = auditedCases(opts.task, opts.audit ?? 'auto');
  const key = sha256(
    canonicalJson({
        schema: EXECUTION_SCHEMA,
        sandbox: BWRAP_PROFILE,
        language: lang.name,
        toolchain: lang.toolchain().versions,
        harness: lang.harnessHash(),
        candidate: opts.candidateHash,
        task: opts.task.hash,
        itf,
        cases,
        limits,
        env: opts.task.env,
        build: opts.task.build,
        audit,
        auditCode: audit.length ? AUDIT_CODE_HASH : null,
    }),
  );
  const hit = opts.cache.get<CandidateRun>('execution', key);
  if (hit) return { run: hit, cached: true };
  const run = await runCandidate({
    language: lang,
    sandbox: workerSandbox(),
    itf,
    files: opts.files,
    cases,
    fixturesDir: opts.task.fixturesDir,
    env: opts.task.env,
    build: (opts.task.build as Partial<Record<LanguageName, { libs?: string[]; flags?: string[] }>>)[opts.language],
    limits,
    signal: opts.signal,
    audit: new Set(audit),
  });
  if (!run.auditError) opts.cache.set('execution', key, run);
  return { run, cached: false };
}

/** Run a task's property checker (checks/<name>.py) in its own sandbox: the candidate never sees it. */
export async function runCheck(task: Task, c: TaskCase, resultText: string | null, limits: Limits): Promise<CheckResult> {
  const session = workerSandbox().openSession();
  try {
    session.writeFile(`check/${c.check!.script.replace(/^checks\//, '')}`, readFileSync(join(task.dir, c.check!.script)));
    session.mkdir('work');
    const payload = `{"input":${canonicalJson(c.input)},"output":${resultText ?? 'null'},"args":${canonicalJson(c.check!.args)}}`;
    const res = await session.exec({
      argv: [PYTHON, '-I', '-B', `/sbx/check/${c.check!.script.replace(/^checks\//, '')}`],
      env: candidateEnv({}),
      cwd: '/sbx/work',
      stdin: payload,
      limits: limitsFor(task, limits),
      tmpfs: [{ at: '/sbx/work', bytes: 16 << 20 }],
    }).result;
    const reason = (res.stdout.toString('utf8').trim() || res.stderr.toString('utf8').trim()).slice(0, 2000);
    if (res.exitCode === 0) return { ok: true, reason };
    if (res.exitCode === 1) return { ok: false, reason };
    throw new Error(`check script ${c.check!.script} failed (exit ${res.exitCode}, signal ${res.signal}): ${reason}`);
  } finally {
    await session.close();
  }
}
