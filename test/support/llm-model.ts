/**
 * An LLM model spec as plugin/config/load-config.ts makes it, for tests that drive providers, the generation
 * service or its cache without a config file. Each test file passes what matters to it (base URL, timeouts,
 * sampling); the rest are fixed defaults.
 */
import type { LlmSettings, ModelSpec } from '../../plugin/config/types.js';

export function llmModel(id: string, over: Partial<LlmSettings> = {}): ModelSpec {
  const colon = id.indexOf(':');
  const provider = id.slice(0, colon) as LlmSettings['provider'];
  const target = id.slice(colon + 1);
  const llm: LlmSettings = {
    provider,
    model: target,
    api: provider === 'anthropic' ? 'messages' : 'chat',
    baseURL: null,
    apiKeyEnv: 'TEST_KEY',
    apiVersion: null,
    sampling: {},
    timeoutMs: 3000,
    maxRetries: 2,
    concurrency: 4,
    rpm: null,
    tpm: null,
    prices: null,
    templatesDir: null,
    ...over,
  };
  return { id, provider, target, label: id, llm };
}
