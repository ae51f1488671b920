/**
 * The dry run (`dualgauge plan`): what a run of this config would ask its LLM models for, how much of it the
 * generation cache already holds, and what the rest may cost, before any paid call. It renders each prompt
 * and computes each cache key exactly as the generation service does (service-generator.ts), so "cached" here
 * means the run will not call the model for that sample.
 */
import type { ModelSpec, RunConfig } from '../config/types.js';
import { getLanguage, runLanguages } from '../languages/index.js';
import type { Task } from '../spec/task.js';
import { GenerationCache, generationKey, generationKeyInput } from './generation-cache.js';
import { renderPrompt } from './prompt.js';
import { resolveModelKey } from './providers/common.js';
import type { EnvMap } from './providers/types.js';
import { estimateSample } from './service-generator.js';

export interface PlanRow {
  model: string;
  tasks: number;
  languages: string[];
  samples: number;
  cached: number;
  toGenerate: number;
  /** Upper estimate in USD for the samples to generate (prompt + the output cap); null: no known price. */
  estimateUsd: number | null;
  /** Why the model will not run (its key is missing). */
  skipped: string | null;
}

export function planGeneration(config: RunConfig, tasks: Task[], env: EnvMap): PlanRow[] {
  const cache = new GenerationCache(config.cacheDir);
  return config.models.filter((m): m is ModelSpec & { llm: NonNullable<ModelSpec['llm']> } => !!m.llm).map((model) => {
    const key = resolveModelKey(model, env);
    const row: PlanRow = { model: model.id, tasks: 0, languages: [], samples: 0, cached: 0, toGenerate: 0, estimateUsd: 0, skipped: key.skip ?? null };
    const languages = new Set<string>();
    for (const task of tasks) {
      const langs = runLanguages(config.languages, task);
      if (langs.length) row.tasks++;
      for (const name of langs) {
        languages.add(name);
        const lang = getLanguage(name)!;
        const prompt = renderPrompt(task, lang, { templatesDir: model.llm.templatesDir ?? undefined });
        for (let i = 0; i < (model.n ?? config.n); i++) {
          row.samples++;
          const k = generationKey(generationKeyInput(model, { templateVersion: prompt.templateVersion, specHash: task.hash, language: name, sampleIndex: i }));
          if (cache.get(k)) {
            row.cached++;
            continue;
          }
          row.toGenerate++;
          const cost = estimateSample(model, prompt).costUsd;
          row.estimateUsd = cost === null || row.estimateUsd === null ? null : row.estimateUsd + cost;
        }
      }
    }
    row.languages = [...languages];
    return row;
  });
}

export function formatPlan(rows: PlanRow[], budgetUsd: number | null): string {
  if (!rows.length) return 'No LLM model in this config: a run generates nothing (reference: and files: samples are on disk).';
  const usd = (x: number | null) => (x === null ? 'unknown (no price: set prices:)' : `≤ $${x.toFixed(4)}`);
  const out = rows.map((r) =>
    r.skipped
      ? `${r.model}: skipped — ${r.skipped}`
      : `${r.model}: ${r.samples} sample(s) over ${r.tasks} task(s) × ${r.languages.join(', ') || 'no language'} · ${r.cached} cached · ${r.toGenerate} to generate · ${usd(r.estimateUsd)}`,
  );
  const live = rows.filter((r) => !r.skipped);
  const total = live.some((r) => r.estimateUsd === null) ? null : live.reduce((s, r) => s + (r.estimateUsd ?? 0), 0);
  out.push(`total: ${live.reduce((s, r) => s + r.toGenerate, 0)} to generate, ${usd(total)}${budgetUsd !== null ? ` (budget $${budgetUsd})` : ''}`);
  out.push('The estimate counts each prompt plus the whole output cap (max_tokens, else 4096 for OpenAI), so it is an upper bound.');
  return out.join('\n');
}
