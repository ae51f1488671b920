/**
 * The generation stage's cache: one file per answer at `<cacheDir>/generation/<2 hex>/<key>.json`, the key the
 * sha256 of a canonical JSON of everything that changes the answer (CONTRACTS.md, "Cache"). A rerun never
 * re-bills a finished sample; raising n only generates the new indices. Only answers are stored (refusals
 * included); an infra error is never cached, so a rerun retries it. A corrupt entry is a miss, reported once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec, Sampling } from '../config/types.js';
import { sha256, writeAtomic } from '../results/store.js';
import type { Usage } from './providers/types.js';

/** Bump when the key's meaning or the entry's shape changes: old entries then stop matching. */
export const GENERATION_CACHE_VERSION = 1;

/** What the key is made of. Timeouts, retries, limits, prices and labels are left out: they do not change the answer. */
export interface GenerationKeyInput {
  provider: string;
  model: string;
  api: string | null;
  /** Only for openai-compatible: one name may be served by different weights on different servers. */
  baseURL: string | null;
  sampling: Sampling;
  /** RenderedPrompt.templateVersion: the templates (and prompt context version) that made the prompt. */
  templateVersion: string;
  /** Task.hash. */
  specHash: string;
  language: string;
  sampleIndex: number;
}

export function generationKeyInput(
  spec: Pick<ModelSpec, 'provider' | 'target' | 'llm'>,
  at: { templateVersion: string; specHash: string; language: string; sampleIndex: number },
): GenerationKeyInput {
  return {
    provider: spec.provider,
    model: spec.target,
    api: spec.llm?.api ?? null,
    baseURL: spec.provider === 'openai-compatible' ? (spec.llm?.baseURL ?? null) : null,
    sampling: spec.llm?.sampling ?? {},
    ...at,
  };
}

/**
 * JSON with object keys sorted and undefined members dropped: equal inputs give equal bytes. Not spec/values.ts's
 * canonicalJson, on purpose: that one is the canonical form of spec values (a float `2` is `2.0`, an absent
 * member is `null`); a key wants an unset optional setting to hash like a missing one.
 */
export function keyJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : keyJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${keyJson(v)}`).join(',')}}`;
}

export function generationKey(input: GenerationKeyInput): string {
  return sha256(keyJson({ stage: 'generation', version: GENERATION_CACHE_VERSION, ...input }));
}

/** One cached answer: the raw text before extraction, so a better extractor needs no new generation. */
export interface GenerationEntry {
  schema: typeof GENERATION_CACHE_VERSION;
  key: string;
  text: string | null;
  refused: boolean;
  finish: string | null;
  usage: Usage | null;
  /** USD, null when unknown. What the answer cost when it was generated; a cache hit costs nothing. */
  costUsd: number | null;
  /** The model that answered, as the API named it. */
  model: string;
  /** ISO time of generation. */
  date: string;
  /** The key's inputs, so a surprising hit or miss can be explained by reading the file. */
  keyInput?: GenerationKeyInput;
}

export type GenerationAnswer = Pick<GenerationEntry, 'text' | 'refused' | 'finish' | 'usage' | 'costUsd' | 'model'> & { date?: string; keyInput?: GenerationKeyInput };

export interface GenerationCacheOptions {
  /** Read nothing (every get misses) but still write, so the fresh answers replace the old ones. */
  bypass?: boolean;
  /** Told once per corrupt file; default: one line on stderr. */
  onCorrupt?: (file: string, reason: string) => void;
}

export class GenerationCache {
  private readonly reported = new Set<string>();
  private readonly onCorrupt: (file: string, reason: string) => void;

  /** `cacheDir` null (config `cache: false`): nothing is read or written. */
  constructor(
    readonly cacheDir: string | null,
    private readonly opts: GenerationCacheOptions = {},
  ) {
    this.onCorrupt = opts.onCorrupt ?? ((file, reason) => console.warn(`dualgauge: ignoring corrupt generation cache entry ${file} (${reason}); it will be regenerated`));
  }

  file(key: string): string | null {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new RangeError(`not a generation cache key: ${key}`);
    return this.cacheDir ? join(this.cacheDir, 'generation', key.slice(0, 2), `${key}.json`) : null;
  }

  get(key: string): GenerationEntry | undefined {
    const file = this.file(key);
    if (!file || this.opts.bypass || !existsSync(file)) return undefined;
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      return this.corrupt(file, e instanceof SyntaxError ? 'not JSON' : (e as Error).message);
    }
    const why = invalid(data, key);
    return why ? this.corrupt(file, why) : (data as GenerationEntry);
  }

  put(key: string, answer: GenerationAnswer): GenerationEntry {
    const entry: GenerationEntry = {
      schema: GENERATION_CACHE_VERSION,
      key,
      text: answer.text,
      refused: answer.refused,
      finish: answer.finish,
      usage: answer.usage,
      costUsd: answer.costUsd,
      model: answer.model,
      date: answer.date ?? new Date().toISOString(),
      ...(answer.keyInput ? { keyInput: answer.keyInput } : {}),
    };
    const file = this.file(key);
    if (file) writeAtomic(file, JSON.stringify(entry, null, 1));
    this.reported.delete(file ?? '');
    return entry;
  }

  private corrupt(file: string, reason: string): undefined {
    if (!this.reported.has(file)) {
      this.reported.add(file);
      this.onCorrupt(file, reason);
    }
    return undefined;
  }
}

/** Why `data` is not an entry for `key` (a torn write, a foreign file, an older schema), or null when it is. */
function invalid(data: unknown, key: string): string | null {
  if (!data || typeof data !== 'object') return 'not an object';
  const e = data as Record<string, unknown>;
  if (e.schema !== GENERATION_CACHE_VERSION) return `schema ${String(e.schema)}, expected ${GENERATION_CACHE_VERSION}`;
  if (e.key !== key) return 'stored under another key';
  if (!(typeof e.text === 'string' || e.text === null)) return 'text is not a string or null';
  if (typeof e.refused !== 'boolean') return 'refused is not a boolean';
  if (!(typeof e.finish === 'string' || e.finish === null)) return 'finish is not a string or null';
  const u = e.usage as Record<string, unknown> | null;
  if (!(u === null || (typeof u === 'object' && typeof u.input === 'number' && typeof u.output === 'number'))) return 'usage is malformed';
  if (!(typeof e.costUsd === 'number' || e.costUsd === null)) return 'costUsd is not a number or null';
  if (typeof e.model !== 'string' || typeof e.date !== 'string') return 'model or date missing';
  return null;
}
