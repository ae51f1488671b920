/**
 * What a sample cost: tokens × price per million tokens. Prices come from the model's `prices:` in the config,
 * else from the default table below for a few common models, else they are unknown: an unknown cost is null and
 * reported as unknown, never as 0 (a free-looking run that was not free is worse than a blank).
 */
import type { ModelSpec, Prices } from '../config/types.js';
import type { Usage } from './providers/types.js';

/**
 * DEFAULTS THAT MAY BE OUTDATED: list prices in USD per million tokens (standard tier, no batch or cache
 * discount) as published by the vendors, checked on PRICES_AS_OF. Vendors change prices; set `prices:` on a
 * model in the config to be sure. Reports say which source a price came from.
 */
export const PRICES_AS_OF = '2025-11-30';
export const DEFAULT_PRICES: Readonly<Record<string, Prices>> = {
  // OpenAI
  'openai:gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10 },
  'openai:gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2 },
  'openai:gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  'openai:gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'openai:gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'openai:gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'openai:gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'openai:gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'openai:o3': { inputPerMTok: 2, outputPerMTok: 8 },
  'openai:o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  // Anthropic
  'anthropic:claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'anthropic:claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
  'anthropic:claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'anthropic:claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15 },
  'anthropic:claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'anthropic:claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4 },
};

export interface PriceInfo {
  prices: Prices;
  source: 'config' | 'default';
  /** For defaults: the date the table was checked. */
  asOf?: string;
}

/** A dated snapshot or alias of a listed model costs the same: gpt-4o-2024-08-06, claude-sonnet-4-5-20250929. */
const SNAPSHOT = /^-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/**
 * The prices of a model: its config `prices`, else the default table (vendor models only: an
 * openai-compatible server's price is its own business), else null.
 */
export function pricesFor(spec: Pick<ModelSpec, 'provider' | 'target' | 'llm'>): PriceInfo | null {
  if (spec.llm?.prices) return { prices: spec.llm.prices, source: 'config' };
  if (spec.provider !== 'openai' && spec.provider !== 'anthropic') return null;
  const id = `${spec.provider}:${spec.target}`;
  let best: string | undefined;
  for (const name of Object.keys(DEFAULT_PRICES)) {
    const rest = id.slice(name.length);
    if (id.startsWith(name) && (rest === '' || SNAPSHOT.test(rest)) && (!best || name.length > best.length)) best = name;
  }
  return best ? { prices: DEFAULT_PRICES[best], source: 'default', asOf: PRICES_AS_OF } : null;
}

/**
 * USD for one answer, or null when the usage or the price is unknown. Reasoning tokens are already part of
 * `output` (both vendors bill thinking as output), so they are not added again.
 */
export function costOf(usage: Usage | null | undefined, prices: Prices | PriceInfo | null | undefined): number | null {
  if (!usage || !prices) return null;
  const p = 'prices' in prices ? prices.prices : prices;
  if (!Number.isFinite(usage.input) || !Number.isFinite(usage.output)) return null;
  return (usage.input * p.inputPerMTok + usage.output * p.outputPerMTok) / 1_000_000;
}

/** Cost before a call, for dry runs and budgets: the prompt's estimated tokens plus the whole output cap. */
export function estimateCost(inputTokens: number, maxOutputTokens: number, prices: Prices | PriceInfo | null): number | null {
  return costOf({ input: inputTokens, output: maxOutputTokens }, prices);
}
