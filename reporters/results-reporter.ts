/**
 * Result files (CONTRACTS.md): cases.jsonl appended as cases finish, summary.json written atomically at the
 * end, results/latest swapped to a complete run; and the table on the terminal.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import type { RunConfig } from '../plugin/config/types.js';
import { aggregate, type Row } from '../plugin/results/metrics.js';
import { appendLine, linkLatest, writeAtomic } from '../plugin/results/store.js';
import { recordOf, type CaseLine } from './records.js';
import { renderTable } from './table.js';
import { runHeader, runManifest } from './manifest.js';
import type { GenerationService, GenerationStats } from '../plugin/generation/service.js';

type GenerationSummary = GenerationStats & { skipped: Record<string, string> };

/** One line per LLM model: samples generated and reused, tokens, cost (unknown stays unknown). */
function generationLines(g: GenerationSummary): string[] {
  const lines = Object.entries(g.models).map(([model, m]) => {
    const cost = m.costUsd === null ? 'cost unknown' : `$${m.costUsd.toFixed(4)}`;
    return `generation ${model}: ${m.generated} generated, ${m.cached} from the cache, ${m.failed} failed · tokens in ${m.tokens.input}, out ${m.tokens.output} · ${cost}`;
  });
  for (const [model, why] of Object.entries(g.skipped)) lines.push(`generation ${model}: skipped (${why})`);
  if (g.missing.length) {
    // Exactly what is missing, so an incomplete run is never read as a complete one.
    lines.push(`not generated (budget): ${g.missing.length} sample(s)${g.missing.length > 20 ? ', the first 20 (all in summary.json)' : ''}:`);
    for (const m of g.missing.slice(0, 20)) lines.push(`  ${m.model} · ${m.taskId} · ${m.language} · #${m.sampleIndex}`);
  }
  return lines;
}

export class ResultsReporter implements Reporter {
  private readonly projects = new Set<string>();
  private readonly records: CaseLine[] = [];
  readonly runDir: string;
  summaryFile: string | null = null;
  private shardRuns: string[] | undefined;
  private generation: { service: GenerationService; skipped: Record<string, string> } | null = null;

  constructor(private readonly config: RunConfig, readonly runId: string, private readonly merging = false) {
    this.runDir = join(config.resultsDir, runId);
  }

  /** The run's generation service: its skipped models are announced, its totals reported, and it is closed at the end. */
  attachGeneration(service: GenerationService, skipped: Record<string, string>): void {
    this.generation = { service, skipped };
  }

  addProject(name: string): void {
    this.projects.add(name);
  }

  onInit(): void {
    if (!this.merging) process.stdout.write(`\n${runHeader(this.config, this.runId)}\n`);
    for (const [model, why] of Object.entries(this.generation?.skipped ?? {})) process.stdout.write(`model ${model} skipped: ${why}\n`);
  }

  onTestCaseResult(t: TestCase): void {
    if (!this.projects.has(t.project.name)) return;
    const rec = recordOf(t, this.runId, this.config.dir);
    if (!rec) return;
    // Merging blob shards: their evidence lives in the shards' run dirs; gather it into this run.
    if (this.merging && rec.evidenceRef) {
      // The shards' run dirs are listed once per merge, not once per case.
      this.shardRuns ??= readdirSync(this.config.resultsDir).filter((d) => d !== 'latest');
      copyEvidence(this.config.resultsDir, this.runDir, rec.evidenceRef, this.shardRuns);
    }
    this.records.push(rec);
    appendLine(join(this.runDir, 'cases.jsonl'), rec);
  }

  async onTestRunEnd(_modules: ReadonlyArray<TestModule>, _errors: ReadonlyArray<unknown>, reason: TestRunEndReason): Promise<void> {
    const generation: GenerationSummary | null = this.generation ? { ...this.generation.service.stats(), skipped: this.generation.skipped } : null;
    try {
      this.writeSummary(reason, generation);
    } finally {
      await this.generation?.service.close();
    }
  }

  private writeSummary(reason: TestRunEndReason, generation: GenerationSummary | null): void {
    if (!this.records.length) {
      process.stdout.write(`\nDualGauge: no case finished${reason === 'interrupted' ? ' (interrupted)' : ''}; no summary written.\n`);
      return;
    }
    const bySuite = new Map<string, CaseLine[]>();
    for (const r of this.records) {
      const list = bySuite.get(r.project);
      if (list) list.push(r);
      else bySuite.set(r.project, [r]);
    }
    const rows: (Row & { suite: string })[] = [];
    const byCwe = [];
    for (const [suite, recs] of bySuite) {
      const agg = aggregate(recs, this.config.k);
      rows.push(...agg.rows.map((r) => ({ suite, ...r })));
      byCwe.push(...agg.byCwe.map((r) => ({ suite, ...r })));
    }
    const incomplete = reason === 'interrupted' || rows.some((r) => r.incomplete);
    for (const r of rows) if (reason === 'interrupted') r.incomplete = true;
    const cache = { hits: this.records.filter((r) => r.cache === 'hit').length, misses: this.records.filter((r) => r.cache === 'miss').length };
    const summary = {
      schema: 1,
      runId: this.runId,
      manifest: runManifest(this.config),
      interrupted: reason === 'interrupted',
      cases: this.records.length,
      cache,
      ...(generation ? { generation } : {}),
      rows,
      byCwe,
    };
    this.summaryFile = join(this.runDir, 'summary.json');
    writeAtomic(this.summaryFile, JSON.stringify(summary, null, 2) + '\n');
    if (!incomplete) linkLatest(this.config.resultsDir, this.runId);
    const out = [
      '',
      `DualGauge run ${this.runId}${incomplete ? ' (incomplete)' : ''}`,
      ...[...bySuite.keys()].map((suite) => `\nsuite ${suite}\n${renderTable(rows.filter((r) => r.suite === suite), this.config.k)}`),
      '',
      ...(generation ? generationLines(generation) : []),
      `cases: ${this.records.length} (execution cache: ${cache.hits} reused, ${cache.misses} executed)`,
      `results: ${this.summaryFile}`,
      '',
    ];
    process.stdout.write(out.join('\n'));
  }
}

function copyEvidence(resultsDir: string, runDir: string, ref: string, runs: string[]): void {
  const target = join(runDir, 'evidence', `${ref}.json`);
  if (existsSync(target)) return;
  for (const run of runs) {
    const source = join(resultsDir, run, 'evidence', `${ref}.json`);
    if (existsSync(source)) {
      mkdirSync(join(runDir, 'evidence'), { recursive: true });
      copyFileSync(source, target);
      return;
    }
  }
}
