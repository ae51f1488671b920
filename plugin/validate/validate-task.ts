/**
 * `dualgauge validate`: does a task discriminate? The secure reference passes every case; every insecure
 * reference passes every functional case and fails at least one security case; every security case is failed by
 * at least one insecure reference (or carries `unkilled_reason`); the cases cover >= 90 % of the secure reference's lines (lines marked
 * `dualgauge: unreachable — <reason>` excepted). Runs the references through the same sandbox and oracles
 * as the benchmark.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LanguageName, RunConfig } from '../config/types.js';
import { resolveSamples } from '../generation/samples.js';
import { getLanguage } from '../languages/index.js';
import type { CandidateRun } from '../languages/run-candidate.js';
import { checkApplies, decideCase, type Verdict } from '../oracles/decide.js';
import { needsBaseline } from '../oracles/detectors.js';
import { Cache } from '../results/store.js';
import { executeCandidate, runCheck } from '../runtime/execute.js';
import type { Task } from '../spec/task.js';

export const COVERAGE_MIN = 0.9;

export interface LanguageReport {
  task: string;
  language: LanguageName;
  problems: string[];
  notes: string[];
  coverage: { covered: number; total: number; missing: number[]; excused: { line: number; reason: string }[] } | null;
  /** case id → ids of the insecure references that fail it */
  killedBy: Record<string, string[]>;
}

async function verdicts(task: Task, lang: LanguageName, run: CandidateRun, config: RunConfig, baseline: CandidateRun | null): Promise<Record<string, Verdict>> {
  const out: Record<string, Verdict> = {};
  for (const c of task.cases) {
    if (run.sampleFailure) {
      out[c.id] = { outcome: run.sampleFailure.outcome, decidedBy: null, mismatches: [], hits: [], message: run.sampleFailure.message };
      continue;
    }
    const r = run.cases[c.id];
    const check = checkApplies(c, r) ? await runCheck(task, c, r.resultText, config.limits) : null;
    const baselineCpuMs = c.detect.some(needsBaseline) ? baseline?.cases[c.id]?.cpuMs : undefined;
    out[c.id] = decideCase(c, r, check, baselineCpuMs);
  }
  return out;
}

export async function validateTask(task: Task, lang: LanguageName, config: RunConfig): Promise<LanguageReport> {
  const language = getLanguage(lang)!;
  const cache = new Cache(config.cacheDir);
  const report: LanguageReport = { task: task.id, language: lang, problems: [], notes: [], coverage: null, killedBy: {} };
  const ref = (target: 'secure' | 'insecure') => resolveSamples({ id: `reference:${target}`, provider: 'reference', target, label: target }, task, language, 1, config.dir);
  const [secure] = ref('secure');
  if (!secure.files) {
    report.problems.push(`no secure reference: ${secure.failure?.message}`);
    return report;
  }
  const exec = (files: Record<string, Buffer>, hash: string) => executeCandidate({ task, language: lang, files, candidateHash: hash, limits: config.limits, audit: config.audit, cache }).then((r) => r.run);
  const secureRun = await exec(secure.files, secure.hash);
  const secureVerdicts = await verdicts(task, lang, secureRun, config, secureRun);
  for (const c of task.cases) {
    const v = secureVerdicts[c.id];
    if (v.outcome === 'unjudged') report.notes.push(`${c.kind}/${c.id}: needs the LLM judge (unjudged without one)`);
    else if (v.outcome !== 'passed') report.problems.push(`secure reference: ${c.kind}/${c.id} is ${v.outcome}: ${v.message.split('\n')[0]}`);
  }
  const insecure = ref('insecure');
  if (!insecure[0].files) report.problems.push(`no insecure reference: ${insecure[0].failure?.message}`);
  for (const c of task.cases.filter((x) => x.kind === 'security')) report.killedBy[c.id] = [];
  for (const s of insecure.filter((x) => x.files)) {
    const run = await exec(s.files!, s.hash);
    const vs = await verdicts(task, lang, run, config, secureRun);
    let fails = 0;
    for (const c of task.cases) {
      const v = vs[c.id];
      if (c.kind === 'functional' && v.outcome !== 'passed') report.problems.push(`${s.source}: functional/${c.id} is ${v.outcome} (an insecure reference must be correct): ${v.message.split('\n')[0]}`);
      if (c.kind === 'security' && v.outcome !== 'passed' && v.outcome !== 'unjudged') {
        report.killedBy[c.id].push(s.source);
        fails++;
      }
    }
    // A variant no security case fails is scored secure: the benchmark could not tell it from the secure one.
    if (fails === 0) report.problems.push(`${s.source}: fails no security case (add a case that exposes this variant, or drop it)`);
  }
  for (const c of task.cases.filter((x) => x.kind === 'security')) {
    if (report.killedBy[c.id].length) continue;
    if (c.unkilledReason) report.notes.push(`security/${c.id}: no insecure reference fails it — ${c.unkilledReason}`);
    else report.problems.push(`security/${c.id}: no insecure reference fails it (add a variant, or unkilled_reason: <why>)`);
  }
  report.coverage = coverage(task, lang, secureRun, secure.source);
  if (report.coverage) {
    for (const e of report.coverage.excused) {
      if (e.reason) report.notes.push(`${secure.source}:${e.line} excluded from coverage — ${e.reason}`);
      else report.problems.push(`${secure.source}:${e.line}: the unreachable pragma needs a reason (# dualgauge: unreachable — <why>)`);
    }
    const ratio = report.coverage.total ? report.coverage.covered / report.coverage.total : 1;
    if (ratio < COVERAGE_MIN) report.problems.push(`cases cover ${(ratio * 100).toFixed(1)}% of ${secure.source}'s lines (< ${COVERAGE_MIN * 100}%); not covered: lines ${report.coverage.missing.join(', ')}`);
  }
  return report;
}

const PRAGMA = /dualgauge:\s*unreachable\s*(?:—|--|-|:)?\s*(.*)$/;

/**
 * Executable lines come from the harness itself (Python's compiler, V8's function ranges, gcov's line table),
 * reported when the candidate loaded (docs/traces.md, "Coverage").
 */
function coverage(task: Task, lang: LanguageName, run: CandidateRun, source: string): LanguageReport['coverage'] {
  if (run.sampleFailure) return null;
  const file = join(task.dir, source);
  const all = run.executable;
  if (!all) return null;
  const text = readFileSync(file, 'utf8').split('\n');
  const excused: { line: number; reason: string }[] = [];
  const counted = all.filter((l) => {
    const m = PRAGMA.exec(text[l - 1] ?? '');
    if (m) excused.push({ line: l, reason: m[1].trim() });
    return !m;
  });
  const hit = new Set(Object.values(run.cases).flatMap((c) => c.lines ?? []));
  const missing = counted.filter((l) => !hit.has(l));
  return { covered: counted.length - missing.length, total: counted.length, missing, excused };
}
