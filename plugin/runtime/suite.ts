/**
 * What generated suite modules call (in the worker): resolve the samples of a task for the selected
 * models and languages, run each candidate once, and turn each case into a verdict on its Vitest test.
 */
import { inject, type TestContext } from 'vitest';
import type { LanguageName, ModelSpec } from '../config/types.js';
import { matchesAny } from '../config/globs.js';
import { generateSample } from '../generation/llm-sample.js';
import { resolveSamples, type Sample } from '../generation/samples.js';
import { getLanguage, runLanguages } from '../languages/index.js';
import type { CandidateRun, CaseRun } from '../languages/run-candidate.js';
import { checkApplies, decideCase, type CheckResult, type Verdict } from '../oracles/decide.js';
import { needsBaseline } from '../oracles/detectors.js';
import { Cache, writeEvidence } from '../results/store.js';
import type { Outcome } from '../results/outcomes.js';
import { loadTask } from '../spec/load-task.js';
import type { Task, TaskCase } from '../spec/task.js';
import { canonicalJson } from '../spec/values.js';
import { executeCandidate, runCheck, type ExecutionResult } from './execute.js';
import type { ProvidedRun } from './provided.js';
import { SampleOutcomeError, failureFor, type CaseMeta } from './verdict-error.js';

export interface TaskSuite {
  name: string;
  samples: SampleSuite[];
  skipReason: string | null;
}

export async function loadTaskSuite(specFile: string): Promise<TaskSuite> {
  const provided = inject('dualgauge') as ProvidedRun;
  const { config, suite } = provided;
  const task = loadTask(specFile);
  const cache = new Cache(config.cacheDir);
  const languages = runLanguages(config.languages, task).filter((l) => !suite.languages || suite.languages.includes(l));
  // A model skipped for a missing API key was announced once by the main process (index.ts); no tests for it.
  const models = config.models.filter((m) => (!suite.models || matchesAny(m.id, suite.models)) && !provided.generation?.skipped[m.id]);
  const samples: SampleSuite[] = [];
  for (const model of models) {
    for (const lang of languages) {
      for (const s of resolveSamples(model, task, getLanguage(lang)!, config.n, config.dir)) samples.push(new SampleSuite(provided, task, model, lang, s, cache));
    }
  }
  const skipReason = samples.length ? null : `no model × language of this run applies to ${task.id} (task languages: ${task.languages.join(', ')}; run: ${config.languages.join(', ')})`;
  return { name: task.id, samples, skipReason };
}

/** Per worker: secure-reference runs used as baselines (cpu: slower_than_secure). */
const baselines = new Map<string, Promise<CandidateRun | null>>();

export class SampleSuite {
  readonly name: string;
  private execution?: Promise<ExecutionResult>;
  private readonly checks = new Map<string, Promise<CheckResult>>();

  constructor(
    private readonly provided: ProvidedRun,
    private readonly task: Task,
    private readonly model: ModelSpec,
    private readonly language: LanguageName,
    private sample: Sample,
    private readonly cache: Cache,
  ) {
    this.name = `${model.label} · ${language} · #${sample.index}`;
  }

  options(caseId: string): { tags: string[]; timeout: number } {
    const c = this.case(caseId);
    const cwes = new Set([...this.task.cwe, ...c.cwe].map((x) => x.toLowerCase()));
    const perCase = this.task.limits.timeout_ms ?? this.provided.config.limits.timeoutMs;
    // The first test of a sample waits for the whole candidate run (all cases, restarts, start-up).
    return { tags: [this.language, c.kind, ...cwes], timeout: 120_000 + this.task.cases.length * (perCase + 2_000) * 2 };
  }

  private case(caseId: string): TaskCase {
    const c = this.task.cases.find((x) => x.id === caseId);
    if (!c) throw new Error(`case ${caseId} not in ${this.task.id}`);
    return c;
  }

  /** An LLM sample is generated (by the main process) when its first test runs, under that test's signal. */
  private generated?: Promise<Sample>;
  private resolveSample(signal: AbortSignal): Promise<Sample> {
    if (!this.sample.generate) return Promise.resolve(this.sample);
    const socket = this.provided.generation?.socket;
    if (!socket) return Promise.reject(new Error(`${this.model.id} needs the generation service, and this run has none`));
    this.generated ??= generateSample(socket, this.model, this.task, getLanguage(this.language)!, this.sample, signal).then((s) => (this.sample = s));
    return this.generated;
  }

  private run(signal: AbortSignal) {
    this.execution ??= executeCandidate({
      task: this.task,
      language: this.language,
      files: this.sample.files!,
      candidateHash: this.sample.hash,
      limits: this.provided.config.limits,
      audit: this.provided.config.audit,
      cache: this.cache,
      signal,
    });
    return this.execution;
  }

  private baseline(signal: AbortSignal): Promise<CandidateRun | null> {
    const key = `${this.task.id}\0${this.language}`;
    let p = baselines.get(key);
    if (!p) {
      const secure = resolveSamples({ id: 'reference:secure', provider: 'reference', target: 'secure', label: 'reference:secure' }, this.task, getLanguage(this.language)!, 1, this.provided.config.dir)[0];
      p = secure.files
        ? executeCandidate({ task: this.task, language: this.language, files: secure.files, candidateHash: secure.hash, limits: this.provided.config.limits, audit: this.provided.config.audit, cache: this.cache, signal }).then((r) => r.run)
        : Promise.resolve(null);
      baselines.set(key, p);
    }
    return p;
  }

  /** The test body: decide the case, record meta, throw a readable failure unless passed. */
  async check(ctx: TestContext, caseId: string, makeError: () => Error): Promise<void> {
    const c = this.case(caseId);
    const meta = ctx.task.meta as unknown as CaseMeta;
    Object.assign(meta, {
      dualgauge: 1,
      runId: this.provided.runId,
      task: this.task.id,
      model: this.model.id,
      language: this.language,
      sample: this.sample.index,
      sampleSource: this.sample.source,
      caseKind: c.kind,
      case: c.id,
      cwe: c.kind === 'security' ? c.cwe : this.task.cwe,
      specFile: this.task.file,
      specLine: c.line,
      expected: c.hasExpect ? JSON.parse(canonicalJson(c.expect)) : null,
      actual: null,
    } satisfies Partial<CaseMeta>);
    const started = Date.now();
    let verdict: Verdict;
    let caseRun: CaseRun | undefined;
    let executable: number[] | undefined;
    let cached = false;
    try {
      await this.resolveSample(ctx.signal);
      meta.sampleSource = this.sample.source;
      if (this.sample.failure) {
        throw new SampleOutcomeError(this.sample.failure.outcome, this.sample.failure.message);
      }
      const exec = await this.run(ctx.signal);
      cached = exec.cached;
      if (exec.run.sampleFailure) throw new SampleOutcomeError(exec.run.sampleFailure.outcome, exec.run.sampleFailure.message, exec.run.sampleFailure.detail);
      caseRun = exec.run.cases[c.id];
      executable = exec.run.executable;
      if (!caseRun) throw new Error(exec.run.auditError ?? `the candidate run has no result for case ${c.id}`);
      const check = checkApplies(c, caseRun) ? await this.checkOnce(c, caseRun) : null;
      const baselineCpuMs = c.detect.some(needsBaseline) ? (await this.baseline(ctx.signal))?.cases[c.id]?.cpuMs : undefined;
      verdict = decideCase(c, caseRun, check, baselineCpuMs);
    } catch (e) {
      if (e instanceof SampleOutcomeError) {
        verdict = { outcome: e.outcome, decidedBy: null, mismatches: [], hits: [], message: e.message };
      } else {
        // Our fault (sandbox, harness protocol, check script): never a candidate verdict.
        meta.outcome = 'infra-error';
        meta.decidedBy = null;
        meta.durationMs = Date.now() - started;
        meta.cache = cached ? 'hit' : 'miss';
        meta.message = `infrastructure error: ${(e as Error)?.message ?? String(e)}`.slice(0, 2000);
        meta.evidenceRef = writeEvidence(this.provided.runDir, { task: this.task.id, model: this.model.id, language: this.language, sample: this.sample.index, case: c.id, outcome: 'infra-error', error: String((e as Error)?.stack ?? e) });
        throw e;
      }
    }
    const evidence = {
      task: this.task.id, model: this.model.id, language: this.language, sample: this.sample.index, sampleSource: this.sample.source,
      case: c.id, caseKind: c.kind, outcome: verdict.outcome, message: verdict.message, mismatches: verdict.mismatches, hits: verdict.hits,
      // An LLM sample: its tokens, cost and whether the answer came from the generation cache.
      ...(this.sample.generation ? { generation: this.sample.generation } : {}),
      run: caseRun ?? null,
      // The lines this case ran, against the lines that could run: what a report highlights and a judge reads.
      coverage: caseRun ? coverageOf(caseRun, executable) : null,
    };
    Object.assign(meta, {
      outcome: verdict.outcome as Outcome,
      decidedBy: verdict.decidedBy,
      durationMs: caseRun ? Math.round(caseRun.wallMs * 1000) / 1000 : Date.now() - started,
      evidenceRef: writeEvidence(this.provided.runDir, evidence),
      actual: caseRun?.resultText != null ? JSON.parse(caseRun.resultText) : null,
      cache: this.sample.failure ? 'none' : cached ? 'hit' : 'miss',
      message: verdict.message.slice(0, 2000),
    } satisfies Partial<CaseMeta>);
    if (verdict.outcome !== 'passed') throw failureFor(makeError(), c, verdict, caseRun);
  }

  private checkOnce(c: TaskCase, run: CaseRun): Promise<CheckResult> {
    let p = this.checks.get(c.id);
    if (!p) {
      p = runCheck(this.task, c, run.resultText, this.provided.config.limits);
      this.checks.set(c.id, p);
    }
    return p;
  }
}

/** Per-case line coverage of the candidate's main file, with the denominator where the harness reports it. */
function coverageOf(run: CaseRun, executable: number[] | undefined): { lines: number[]; executable: number[] | null; ratio: number | null } | null {
  if (run.lines === null) return null;
  const all = executable ?? null;
  const ran = all ? run.lines.filter((l) => all.includes(l)).length : 0;
  return { lines: run.lines, executable: all, ratio: all && all.length ? Math.round((ran / all.length) * 1000) / 1000 : null };
}
