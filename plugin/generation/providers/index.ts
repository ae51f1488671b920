/**
 * LLM providers by prefix: `openai:` and `openai-compatible:` (openai SDK), `anthropic:` (Anthropic SDK).
 * Pure: the env map, the spec and the signal are all a provider sees; no process.env, no global client.
 */
import type { ModelSpec } from '../../config/types.js';
import { createAnthropicProvider } from './anthropic.js';
import { createOpenAIProvider } from './openai.js';
import { ProviderError, type Provider, type ProviderOptions } from './types.js';

export { resolveModelKey, type KeyResolution } from './common.js';
export { ProviderError, type EnvMap, type GenerationRequest, type GenerationResult, type Provider, type ProviderErrorCode, type ProviderOptions, type Usage } from './types.js';

/**
 * A provider for an LLM model spec. Throws ProviderError `DG_PROVIDER_NO_KEY` when its key env variable is
 * unset: check `resolveModelKey(spec, env)` first and skip the model with its reason.
 */
export function createProvider(spec: ModelSpec, opts: ProviderOptions): Provider {
  switch (spec.llm?.provider) {
    case 'openai':
    case 'openai-compatible':
      return createOpenAIProvider(spec, opts);
    case 'anthropic':
      return createAnthropicProvider(spec, opts);
    default:
      throw new ProviderError('DG_PROVIDER_REQUEST', `${spec.id} has no LLM provider (provider "${spec.provider}")`, { retryable: false, hint: 'reference: and files: models are resolved by samples.ts' });
  }
}
