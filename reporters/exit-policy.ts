/**
 * The exit policy of benchmark runs (CONTRACTS.md "Exit code"): 0 when every failed test carries a candidate
 * outcome; 1 on infra errors, unhandled errors, spec/collection errors or failures of other projects;
 * 2 when a threshold is missed. Injected from configureVitest so it survives --reporter=blob.
 */
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';
import type { RunConfig } from '../plugin/config/types.js';
import { aggregate } from '../plugin/results/metrics.js';
import { recordOf, type CaseLine } from './records.js';
import { describeMiss, thresholdMisses } from './thresholds.js';

export interface ExitDecision {
  code: 0 | 1 | 2;
  reasons: string[];
}

export class ExitPolicyReporter implements Reporter {
  private readonly projects = new Set<string>();
  decision: ExitDecision | null = null;

  constructor(private readonly config: RunConfig) {}

  addProject(name: string): void {
    this.projects.add(name);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    const reasons: string[] = [];
    if (reason === 'interrupted') reasons.push('the run was interrupted');
    if (unhandledErrors.length) reasons.push(`${unhandledErrors.length} unhandled error(s)`);
    const records: CaseLine[] = [];
    for (const mod of modules) {
      const ours = this.projects.has(mod.project.name);
      if (mod.errors().length) reasons.push(`${mod.moduleId}: ${mod.errors()[0]?.message?.split('\n')[0] ?? 'error while loading'}`);
      for (const t of mod.children.allTests()) {
        const r = t.result();
        if (!ours) {
          if (r.state === 'failed') reasons.push(`${t.fullName} failed (not a benchmark project)`);
          continue;
        }
        const rec = recordOf(t, '', this.config.dir);
        if (rec) records.push(rec);
        if (r.state === 'failed' && (!rec || rec.outcome === 'infra-error')) reasons.push(`${t.fullName}: infrastructure error — ${rec?.message?.split('\n')[0] ?? r.errors?.[0]?.message?.split('\n')[0] ?? 'no candidate outcome'}`);
      }
    }
    if (reasons.length) {
      this.decision = { code: 1, reasons };
    } else {
      // Per suite, like the table and summary.json: two selected suites never pool their cases.
      const projects = [...new Set(records.map((r) => r.project))];
      const misses = projects.flatMap((p) => thresholdMisses(aggregate(records.filter((r) => r.project === p), this.config.k).rows, this.config.thresholds));
      this.decision = misses.length ? { code: 2, reasons: misses.map(describeMiss) } : { code: 0, reasons: [] };
    }
    process.exitCode = this.decision.code;
    if (this.decision.code !== 0) {
      const head = this.decision.code === 2 ? 'DualGauge: threshold missed (exit 2)' : 'DualGauge: run failed (exit 1)';
      process.stderr.write(`\n${head}\n${this.decision.reasons.slice(0, 20).map((r) => `  - ${r}`).join('\n')}\n`);
    }
  }
}
