/**
 * plugin/generation/generation-cache.ts (files in a temp cache dir) and plugin/generation/cost.ts.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDirs } from '../support/temp-dirs.js';
import type { LlmSettings, ModelSpec } from '../../plugin/config/types.js';
import { llmModel } from '../support/llm-model.js';
import { costOf, DEFAULT_PRICES, estimateCost, PRICES_AS_OF, pricesFor } from '../../plugin/generation/cost.js';
import {
  keyJson,
  GenerationCache,
  generationKey,
  generationKeyInput,
  type GenerationAnswer,
} from '../../plugin/generation/generation-cache.js';

const tmp = tempDirs('dg-gencache-');

function model(id: string, over: Partial<LlmSettings> = {}): ModelSpec {
  return llmModel(id, { apiKeyEnv: 'K', sampling: { temperature: 0.2 }, timeoutMs: 1000, ...over });
}

const AT = { templateVersion: 'aaaa1111bbbb2222', specHash: 'c'.repeat(64), language: 'python', sampleIndex: 0 };
const ANSWER: GenerationAnswer = { text: '```python\nx = 1\n```', refused: false, finish: 'stop', usage: { input: 10, output: 20, reasoning: 5 }, costUsd: 0.00012, model: 'gpt-x-2025' };
const keyOf = (spec: ModelSpec, at: Partial<typeof AT> = {}) => generationKey(generationKeyInput(spec, { ...AT, ...at }));

describe('keys', () => {
  test('canonical JSON: key order and undefined members do not matter', () => {
    expect(keyJson({ b: 1, a: { d: [1, { y: 2, x: undefined, w: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"w":null,"y":2}]},"b":1}');
    expect(generationKey({ ...generationKeyInput(model('openai:gpt-x'), AT) })).toBe(keyOf(model('openai:gpt-x')));
  });

  test('the key changes with template version, sample index, spec hash, language and each sampling setting', () => {
    const spec = model('openai:gpt-x');
    const base = keyOf(spec);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const variants = [
      keyOf(spec, { templateVersion: 'ffff1111bbbb2222' }),
      keyOf(spec, { sampleIndex: 1 }),
      keyOf(spec, { specHash: 'd'.repeat(64) }),
      keyOf(spec, { language: 'javascript' }),
      keyOf(model('openai:gpt-x', { sampling: { temperature: 0.3 } })),
      keyOf(model('openai:gpt-x', { sampling: { temperature: 0.2, seed: 1 } })),
      keyOf(model('openai:gpt-x', { sampling: { temperature: 0.2, maxTokens: 100 } })),
      keyOf(model('openai:gpt-x', { sampling: { temperature: 0.2, reasoningEffort: 'high' } })),
      keyOf(model('openai:gpt-x', { api: 'responses' })),
      keyOf(model('openai:gpt-y')),
      keyOf(model('anthropic:gpt-x')),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  test('settings that do not change the answer leave the key alone', () => {
    const spec = model('openai:gpt-x');
    const same = model('openai:gpt-x', { timeoutMs: 99_000, maxRetries: 9, concurrency: 1, rpm: 5, tpm: 5, prices: { inputPerMTok: 1, outputPerMTok: 2 }, apiKeyEnv: 'OTHER' });
    expect(keyOf({ ...same, label: 'another label' })).toBe(keyOf(spec));
    // A proxy in front of OpenAI serves the same model: same key. An openai-compatible server's URL is its identity.
    expect(keyOf(model('openai:gpt-x', { baseURL: 'https://proxy.example/v1' }))).toBe(keyOf(spec));
    const compat = (url: string) => keyOf(model('openai-compatible:llama', { baseURL: url }));
    expect(compat('http://a:8000/v1')).not.toBe(compat('http://b:8000/v1'));
  });

  test('thinking on, off and its budget are part of the key', () => {
    const k = (thinking: LlmSettings['sampling']['thinking']) => keyOf(model('anthropic:claude-x', { sampling: { thinking } }));
    expect(new Set([k(false), k({ budgetTokens: 2048 }), k({ budgetTokens: 4096 }), k('adaptive'), k(undefined)]).size).toBe(5);
  });
});

describe('GenerationCache', () => {
  test('put then get: the same answer, under <cacheDir>/generation/<2 hex>/<key>.json, written atomically', () => {
    const dir = tmp();
    const cache = new GenerationCache(dir);
    const key = keyOf(model('openai:gpt-x'));
    expect(cache.get(key)).toBeUndefined();
    const input = generationKeyInput(model('openai:gpt-x'), AT);
    const stored = cache.put(key, { ...ANSWER, keyInput: input });
    const file = join(dir, 'generation', key.slice(0, 2), `${key}.json`);
    expect(cache.file(key)).toBe(file);
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(dirname(file))).toEqual([`${key}.json`]); // no temp file left behind
    const got = cache.get(key);
    expect(got).toEqual(stored);
    expect(got).toMatchObject({ schema: 1, key, ...ANSWER, keyInput: input });
    expect(Date.parse(got!.date)).not.toBeNaN();
    // A second cache object over the same dir (a rerun) sees it too.
    expect(new GenerationCache(dir).get(key)?.text).toBe(ANSWER.text);
  });

  test('a refusal and a null answer are cached as they are', () => {
    const cache = new GenerationCache(tmp());
    const k1 = keyOf(model('openai:gpt-x'), { sampleIndex: 1 });
    const k2 = keyOf(model('openai:gpt-x'), { sampleIndex: 2 });
    cache.put(k1, { ...ANSWER, text: 'I cannot help.', refused: true, finish: 'refusal' });
    cache.put(k2, { ...ANSWER, text: null, usage: null, costUsd: null });
    expect(cache.get(k1)).toMatchObject({ refused: true, text: 'I cannot help.' });
    expect(cache.get(k2)).toMatchObject({ text: null, usage: null, costUsd: null });
  });

  test('a corrupt entry is a miss, reported once per file, and a put repairs it', () => {
    const dir = tmp();
    const reports: string[] = [];
    const cache = new GenerationCache(dir, { onCorrupt: (file, why) => reports.push(`${file}: ${why}`) });
    const key = keyOf(model('openai:gpt-x'));
    const file = cache.file(key)!;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{"schema": 1, "key": "'); // a torn write
    expect(cache.get(key)).toBeUndefined();
    expect(cache.get(key)).toBeUndefined();
    expect(reports).toEqual([`${file}: not JSON`]);
    cache.put(key, ANSWER);
    expect(cache.get(key)?.text).toBe(ANSWER.text);
  });

  test('valid JSON of the wrong shape, another key or another schema is corrupt too, never an answer', () => {
    const dir = tmp();
    const reports: string[] = [];
    const cache = new GenerationCache(dir, { onCorrupt: (_f, why) => reports.push(why) });
    const cases: [unknown, RegExp][] = [
      [[1, 2], /not an object|schema/],
      [{ schema: 2, key: 'x' }, /schema 2/],
      [{ schema: 1, key: 'f'.repeat(64), text: 'x', refused: false, finish: null, usage: null, costUsd: null, model: 'm', date: 'd' }, /another key/],
      [{ schema: 1, text: 'x', refused: 'no' }, /another key|refused/],
    ];
    for (const [i, [data, why]] of cases.entries()) {
      const key = keyOf(model('openai:gpt-x'), { sampleIndex: 100 + i });
      const file = cache.file(key)!;
      mkdirSync(dirname(file), { recursive: true });
      const body = data && typeof data === 'object' && !Array.isArray(data) && !('key' in data) ? { ...data, key } : data;
      writeFileSync(file, JSON.stringify(body));
      expect(cache.get(key)).toBeUndefined();
      expect(reports[i]).toMatch(why);
    }
    // A usage without numbers is as bad as no file.
    const key = keyOf(model('openai:gpt-x'), { sampleIndex: 7 });
    cache.put(key, ANSWER);
    const file = cache.file(key)!;
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"input":\s*10/, '"input": "10"'));
    expect(cache.get(key)).toBeUndefined();
    expect(reports.at(-1)).toBe('usage is malformed');
  });

  test('bypass: every get misses, puts still write (the fresh answer replaces the old one)', () => {
    const dir = tmp();
    const key = keyOf(model('openai:gpt-x'));
    new GenerationCache(dir).put(key, ANSWER);
    const bypass = new GenerationCache(dir, { bypass: true });
    expect(bypass.get(key)).toBeUndefined();
    bypass.put(key, { ...ANSWER, text: 'fresh' });
    expect(new GenerationCache(dir).get(key)?.text).toBe('fresh');
  });

  test('cache: false (null dir) reads and writes nothing', () => {
    const cache = new GenerationCache(null);
    const key = keyOf(model('openai:gpt-x'));
    expect(cache.put(key, ANSWER).text).toBe(ANSWER.text);
    expect(cache.get(key)).toBeUndefined();
    expect(cache.file(key)).toBeNull();
  });

  test('a key that is not a sha256 is refused (no path tricks)', () => {
    expect(() => new GenerationCache(tmp()).get('../../etc/passwd')).toThrow(RangeError);
  });
});

describe('cost', () => {
  test('config prices win; defaults cover common vendor models and their dated snapshots; others are unknown', () => {
    const configured = pricesFor(model('openai:gpt-4o', { prices: { inputPerMTok: 1, outputPerMTok: 2 } }));
    expect(configured).toEqual({ prices: { inputPerMTok: 1, outputPerMTok: 2 }, source: 'config' });
    expect(pricesFor(model('openai:gpt-4o'))).toEqual({ prices: DEFAULT_PRICES['openai:gpt-4o'], source: 'default', asOf: PRICES_AS_OF });
    expect(pricesFor(model('openai:gpt-4o-mini-2024-07-18'))?.prices).toEqual(DEFAULT_PRICES['openai:gpt-4o-mini']);
    expect(pricesFor(model('anthropic:claude-sonnet-4-5-20250929'))?.prices).toEqual(DEFAULT_PRICES['anthropic:claude-sonnet-4-5']);
    expect(pricesFor(model('openai:gpt-4o-turbo-preview'))).toBeNull();
    expect(pricesFor(model('openai-compatible:gpt-4o'))).toBeNull();
    expect(pricesFor({ provider: 'reference', target: 'secure' })).toBeNull();
  });

  test('costOf: tokens × price per million; unknown usage or price is null, never 0', () => {
    const prices = { inputPerMTok: 2, outputPerMTok: 8 };
    expect(costOf({ input: 1_000_000, output: 500_000, reasoning: 400_000 }, prices)).toBeCloseTo(6);
    expect(costOf({ input: 1000, output: 100 }, { prices, source: 'config' })).toBeCloseTo(0.0028);
    expect(costOf({ input: 0, output: 0 }, prices)).toBe(0);
    expect(costOf(null, prices)).toBeNull();
    expect(costOf({ input: 1, output: 1 }, null)).toBeNull();
    expect(estimateCost(1000, 4000, prices)).toBeCloseTo(0.034);
    expect(estimateCost(1000, 4000, null)).toBeNull();
  });
});
