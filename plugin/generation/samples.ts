/**
 * Samples of a model for one task and language: `reference:secure|insecure` (the task's own references, one
 * sample per file), `files:<dir>` (replay), and LLM providers, whose samples are placeholders (`generate`) that
 * the suite fills from the generation service (llm-sample.ts) when their first test runs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ModelSpec } from '../config/types.js';
import type { Language } from '../languages/types.js';
import type { Outcome } from '../results/outcomes.js';
import { walk } from '../spec/load-task.js';
import type { Task } from '../spec/task.js';

export interface Sample {
  index: number;
  /** Where the sample came from (reference file name, replay path): shown in reports. */
  source: string;
  files: Record<string, Buffer> | null;
  /** A sample-level outcome when there is nothing to run. */
  failure: { outcome: Extract<Outcome, 'no-sample' | 'empty' | 'no-code' | 'refusal'>; message: string } | null;
  /** sha256 of the candidate's files. */
  hash: string;
  /** An LLM sample not generated yet: its files come from the generation service. */
  generate?: true;
  /** An LLM sample's answer: what it cost and whether it came from the generation cache (in each case's evidence). */
  generation?: { cached: boolean; model: string; finish: string | null; refused: boolean; usage: unknown; costUsd: number | null };
}

export function hashFiles(files: Record<string, Buffer>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(files).sort()) h.update(k).update('\0').update(files[k]).update('\0');
  return h.digest('hex');
}

function fromFile(index: number, file: string, lang: Language, source: string): Sample {
  const data = readFileSync(file);
  if (data.toString('utf8').trim() === '') return { index, source, files: null, failure: { outcome: 'empty', message: `${source} is empty` }, hash: '' };
  const files = { [lang.mainFile]: data };
  return { index, source, files, failure: null, hash: hashFiles(files) };
}

function fromDir(index: number, dir: string, lang: Language, source: string): Sample {
  const files: Record<string, Buffer> = {};
  for (const f of walk(dir)) files[relative(dir, f)] = readFileSync(f);
  const names = Object.keys(files);
  if (!names.length || names.every((n) => files[n].toString('utf8').trim() === '')) return { index, source, files: null, failure: { outcome: 'empty', message: `${source} holds no code` }, hash: '' };
  if (!files[lang.mainFile]) {
    const mains = names.filter((n) => n.endsWith(`.${lang.ext}`) && !n.includes('/'));
    if (mains.length !== 1) return { index, source, files: null, failure: { outcome: 'no-code', message: `${source} has no ${lang.mainFile} and not exactly one top-level .${lang.ext} file` }, hash: '' };
    files[lang.mainFile] = files[mains[0]];
    delete files[mains[0]];
  }
  return { index, source, files, failure: null, hash: hashFiles(files) };
}

const missing = (index: number, source: string, message: string): Sample => ({ index, source, files: null, failure: { outcome: 'no-sample', message }, hash: '' });

export function resolveSamples(model: ModelSpec, task: Task, lang: Language, n: number, configDir: string): Sample[] {
  if (model.provider === 'reference') {
    const refDir = join(task.dir, 'ref');
    const names = existsSync(refDir) ? readdirSync(refDir).sort() : [];
    const wanted = model.target === 'secure'
      ? names.filter((f) => f === `secure.${lang.ext}`)
      : names.filter((f) => f === `insecure.${lang.ext}` || (f.startsWith('insecure-') && f.endsWith(`.${lang.ext}`)));
    if (!wanted.length) return [missing(0, `ref/${model.target}*.${lang.ext}`, `task ${task.id} has no ${model.target} ${lang.name} reference (ref/${model.target === 'secure' ? 'secure' : 'insecure-<variant>'}.${lang.ext})`)];
    return wanted.map((f, i) => fromFile(i, join(refDir, f), lang, `ref/${f}`));
  }
  if (model.provider === 'files') {
    const root = resolve(configDir, model.target, task.id, lang.name);
    const count = model.n ?? n;
    return Array.from({ length: count }, (_, i) => {
      const file = join(root, `${i}.${lang.ext}`);
      const dir = join(root, String(i));
      const source = relative(configDir, existsSync(dir) ? dir : file);
      if (existsSync(dir) && statSync(dir).isDirectory()) return fromDir(i, dir, lang, source);
      if (existsSync(file)) return fromFile(i, file, lang, source);
      return missing(i, source, `no replay sample at ${source}`);
    });
  }
  if (model.llm) {
    const count = model.n ?? n;
    return Array.from({ length: count }, (_, i) => ({ index: i, source: `${model.id} #${i}`, files: null, failure: null, hash: '', generate: true as const }));
  }
  throw new Error(`provider ${model.provider} has no sample resolver`);
}
