/**
 * What every LLM provider shares: the API key from the env map, and the frame around one vendor call (attempt
 * counting, our retry layer, abort, timing, error classification). A vendor module only says how to ask once.
 */
import type { LlmSettings, ModelSpec } from '../../config/types.js';
import { classify, type FailureContext } from './classify.js';
import { countingFetch, raceAbort, withRetries } from './retry.js';
import { ProviderError, type EnvMap, type GenerationRequest, type GenerationResult, type Provider, type ProviderOptions } from './types.js';

export type KeyResolution = { key: string | null; skip?: undefined } | { skip: string; key?: undefined };

/**
 * The API key of a model, or why the model is skipped. `key: null` means none is needed (reference, files, an
 * openai-compatible server without api_key_env). A missing key is a skip with one line to print, never a crash.
 */
export function resolveModelKey(spec: ModelSpec, env: EnvMap): KeyResolution {
  const name = spec.llm?.apiKeyEnv;
  if (!name) return { key: null };
  const key = env[name]?.trim();
  if (!key) return { skip: `${name} is not set (the API key of ${spec.id}; set it, or change api_key_env)` };
  return { key };
}

/** An LLM model spec: the caller checked `spec.llm`. */
export type LlmModelSpec = ModelSpec & { llm: LlmSettings };

export function llmSpec(spec: ModelSpec): LlmModelSpec {
  if (!spec.llm) throw new ProviderError('DG_PROVIDER_REQUEST', `${spec.id} is not an LLM model (provider ${spec.provider})`, { retryable: false });
  return spec as LlmModelSpec;
}

/** The answer of one call, before the frame adds attempts and time. */
export type Answer = Omit<GenerationResult, 'attempts' | 'ms'>;

export interface CallContext {
  /** Counts requests; pass it to the SDK client. */
  fetch: typeof fetch;
  apiKey: string;
  baseURL: string;
  timeoutMs: number;
  maxRetries: number;
  /** The caller's signal (the SDK aborts its request with it). */
  signal: AbortSignal;
}

export interface VendorCall {
  vendor: string;
  defaultBaseURL: string;
  /** One call through the SDK (which does its own retries). Throws whatever the SDK threw, or a ProviderError. */
  once(req: GenerationRequest, ctx: CallContext, settings: LlmSettings): Promise<Answer>;
}

/** Servers that need no key still get one: the OpenAI SDK refuses to build a request without any. */
const PLACEHOLDER_KEY = 'no-key-needed';

export function makeProvider(spec: ModelSpec, opts: ProviderOptions, call: VendorCall): Provider {
  const { llm } = llmSpec(spec);
  const key = resolveModelKey(spec, opts.env);
  if (key.skip !== undefined) throw new ProviderError('DG_PROVIDER_NO_KEY', key.skip, { retryable: false, hint: 'call resolveModelKey first and skip the model' });
  const baseURL = llm.baseURL ?? call.defaultBaseURL;
  const timeoutMs = opts.fetchTimeoutMs ?? llm.timeoutMs;
  return {
    id: spec.id,
    async generate(req: GenerationRequest, signal: AbortSignal): Promise<GenerationResult> {
      const started = Date.now();
      const counter = countingFetch();
      const ctx: CallContext = { fetch: counter.fetch, apiKey: key.key ?? PLACEHOLDER_KEY, baseURL, timeoutMs, maxRetries: llm.maxRetries, signal };
      const failure: FailureContext = { vendor: call.vendor, baseURL, keyEnv: llm.apiKeyEnv, timeoutMs, maxRetries: llm.maxRetries, signal };
      try {
        const answer = await withRetries(
          async () => {
            try {
              return await raceAbort(call.once(req, ctx, llm), signal);
            } catch (e) {
              throw classify(e, failure);
            }
          },
          { attempts: opts.outerAttempts ?? 3, backoffMs: opts.backoffMs ?? 1000, signal },
        );
        return { ...answer, attempts: counter.count(), ms: Date.now() - started };
      } catch (e) {
        const err = classify(e, failure);
        err.attempts = counter.count();
        throw err;
      }
    },
  };
}
