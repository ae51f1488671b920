/**
 * The heart of the generation service, without the socket: one sample request in, one answer out. In order:
 * the model's key (skip), the prompt and its cache key, the cache, then one provider call per cache key at a
 * time (single-flight), admitted by the budget and the model's limiter, cancelled when every request waiting on
 * it has been cancelled. Errors are answers, never cached; nothing here throws at its caller.
 */
import { LLM_DEFAULTS, type ModelSpec } from '../config/types.js';
import { DualGaugeError } from '../errors.js';
import type { Language } from '../languages/types.js';
import type { Task } from '../spec/task.js';
import { costOf, estimateCost, pricesFor } from './cost.js';
import { generationKey, generationKeyInput, type GenerationCache, type GenerationKeyInput } from './generation-cache.js';
import { estimateTokens, limiterKey, LimiterPool, type LimiterOptions } from './limiter.js';
import { renderPrompt, type RenderedPrompt } from './prompt.js';
import { createProvider, ProviderError, resolveModelKey, type EnvMap, type GenerationResult, type Provider, type ProviderOptions } from './providers/index.js';
import { Budget, Ledger, type GenerationProgress, type GenerationStats, type Reservation } from './service-ledger.js';
import type { SampleAnswer, SampleErrorInfo, SampleRequest } from './service-protocol.js';

export interface GeneratorOptions {
  /** The run's models; only those with `llm` settings can be asked for (reference: and files: are resolved elsewhere). */
  models: ModelSpec[];
  /** Where API keys are read from (the main process's env): never sent to a worker. */
  env: EnvMap;
  cache: GenerationCache;
  /** USD cap for the run; null or undefined: no cap. */
  budgetUsd?: number | null;
  /** A task by id (throwing a DualGaugeError for an unknown one). Called per request: memoize if loading is costly. */
  loadTask: (taskId: string) => Task;
  /** A language by name, or undefined when there is none. */
  language: (name: string) => Language | undefined;
  /** Provider tuning (tests shorten backoffs and timeouts); the env always comes from `env`. */
  providerOptions?: Omit<ProviderOptions, 'env'>;
  limiterOptions?: LimiterOptions;
  /** Told after every answered request and on `announce`; for a progress line. Must not throw. */
  onProgress?: (p: GenerationProgress) => void;
}

/** When no max_tokens is set for an OpenAI model, the budget and the limiter assume this many output tokens. */
export const ASSUMED_MAX_OUTPUT_TOKENS = 4096;

interface Model {
  spec: ModelSpec & { llm: NonNullable<ModelSpec['llm']> };
  provider: Provider | null;
  skip: string | null;
}

type CallResult = { kind: 'ok'; result: GenerationResult; costUsd: number | null } | { kind: 'error'; error: SampleErrorInfo } | { kind: 'budget'; message: string } | { kind: 'aborted' };

/** One provider call, shared by every identical request that arrives while it runs. */
interface Flight {
  controller: AbortController;
  waiters: number;
  /** The first request to receive the answer is its owner (`cached: false`); the others are shares. */
  claimed: boolean;
  done: Promise<CallResult>;
}

const request = (code: string, message: string, hint?: string): SampleErrorInfo => ({ code, message, retryable: false, ...(hint ? { hint } : {}) });

/** The output cap a call may use: the configured one, Anthropic's default (plus thinking), or our assumption. */
export function maxOutputTokens(spec: Model['spec']): number {
  const s = spec.llm.sampling;
  if (s.maxTokens !== undefined) return s.maxTokens;
  if (spec.llm.provider === 'anthropic') return LLM_DEFAULTS.anthropicMaxTokens + (typeof s.thinking === 'object' ? s.thinking.budgetTokens : 0);
  return ASSUMED_MAX_OUTPUT_TOKENS;
}

/**
 * What one sample may cost before it is asked for: the prompt's tokens plus the whole output cap, at the model's
 * prices (null: no known price). The budget reserves it; the dry run (plan.ts) sums it.
 */
export function estimateSample(spec: Model['spec'], prompt: RenderedPrompt): { tokens: number; costUsd: number | null } {
  const maxOut = maxOutputTokens(spec);
  const tokens = estimateTokens(prompt, maxOut);
  return { tokens, costUsd: estimateCost(tokens - maxOut, maxOut, pricesFor(spec)) };
}

export class SampleGenerator {
  private readonly models = new Map<string, Model>();
  private readonly flights = new Map<string, Flight>();
  /** Keys generated during this run: a bypassing request reuses them (bypass means "not from an earlier run"). */
  private readonly fresh = new Set<string>();
  private readonly limiters: LimiterPool;
  private readonly budget: Budget;
  private readonly ledger: Ledger;
  private readonly listeners = new Set<(p: GenerationProgress) => void>();
  private calls = 0;

  constructor(private readonly opts: GeneratorOptions) {
    const skipped: { model: string; message: string }[] = [];
    for (const spec of opts.models) {
      if (!spec.llm) continue;
      const key = resolveModelKey(spec, opts.env);
      const skip = key.skip ?? null;
      if (skip) skipped.push({ model: spec.id, message: skip });
      const provider = skip ? null : createProvider(spec, { ...opts.providerOptions, env: opts.env });
      this.models.set(spec.id, { spec: spec as Model['spec'], provider, skip });
    }
    this.limiters = new LimiterPool(opts.limiterOptions);
    this.budget = new Budget(opts.budgetUsd ?? null);
    this.ledger = new Ledger([...this.models.keys()], skipped);
    if (opts.onProgress) this.listeners.add(opts.onProgress);
  }

  /** Say how many requests the run will make, so progress can show done/total. */
  announce(total: number): void {
    this.ledger.total = total;
    this.emit();
  }

  onProgress(listener: (p: GenerationProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): GenerationStats {
    return this.ledger.stats(this.budget, this.calls);
  }

  /** Cancel every provider call (the service is closing). */
  abortAll(reason: unknown): void {
    for (const f of this.flights.values()) f.controller.abort(reason);
    this.flights.clear();
  }

  async generate(req: SampleRequest, signal: AbortSignal): Promise<SampleAnswer> {
    const answer = await this.answer(req, signal).catch((e: unknown): SampleAnswer => ({ status: 'error', error: infoOf(e) }));
    if (answer.status !== 'ok') this.ledger.answered(req, answer.status, { reason: answer.status === 'budget' ? answer.message : undefined });
    else this.ledger.answered(req, 'ok', { cached: answer.cached });
    this.emit();
    return answer;
  }

  private async answer(req: SampleRequest, signal: AbortSignal): Promise<SampleAnswer> {
    const started = Date.now();
    const m = this.models.get(req.model);
    if (!m) {
      const known = [...this.models.keys()].join(', ') || 'none';
      return { status: 'error', error: request('DG_GENERATION_REQUEST', `no LLM model ${req.model} in this run (LLM models: ${known})`) };
    }
    this.ledger.requested(req.model);
    if (m.skip !== null || !m.provider) return { status: 'skipped', message: m.skip ?? `${req.model} has no provider` };
    if (signal.aborted) return { status: 'aborted' };

    const lang = this.opts.language(req.language);
    if (!lang) return { status: 'error', error: request('DG_GENERATION_REQUEST', `unknown language ${req.language}`) };
    const task = this.opts.loadTask(req.taskId);
    const prompt = renderPrompt(task, lang, { templatesDir: m.spec.llm.templatesDir ?? undefined });
    const keyInput = generationKeyInput(m.spec, { templateVersion: prompt.templateVersion, specHash: task.hash, language: lang.name, sampleIndex: req.sampleIndex });
    const key = generationKey(keyInput);

    if (!req.bypassCache || this.fresh.has(key)) {
      const hit = this.opts.cache.get(key);
      if (hit) {
        const { text, refused, finish, usage, costUsd, model } = hit;
        return { status: 'ok', text, refused, finish, usage, costUsd, model, cached: true, attempts: 0, ms: Date.now() - started };
      }
    }

    let flight = this.flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const done = this.call(m, req, prompt, key, keyInput, controller.signal).finally(() => {
        if (this.flights.get(key) === f) this.flights.delete(key);
      });
      const f: Flight = { controller, waiters: 0, claimed: false, done };
      this.flights.set(key, (flight = f));
    }
    return this.await(flight, key, signal, started);
  }

  /** Wait for a flight's answer, or leave it when `signal` fires; the last one to leave cancels the call. */
  private async await(flight: Flight, key: string, signal: AbortSignal, started: number): Promise<SampleAnswer> {
    flight.waiters++;
    let onAbort: () => void = () => {};
    const left = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    const r = await Promise.race([flight.done, left]);
    signal.removeEventListener('abort', onAbort);
    if (r === 'aborted') {
      if (--flight.waiters === 0) {
        // Nobody wants this answer any more: stop paying for it. A new identical request starts a new call.
        if (this.flights.get(key) === flight) this.flights.delete(key);
        flight.controller.abort(signal.reason ?? new Error('cancelled'));
      }
      return { status: 'aborted' };
    }
    if (r.kind === 'ok') {
      const owner = !flight.claimed;
      flight.claimed = true;
      const g = r.result;
      return {
        status: 'ok',
        text: g.text,
        refused: g.refused,
        finish: g.finish,
        usage: g.usage,
        costUsd: r.costUsd,
        model: g.model,
        cached: !owner,
        attempts: owner ? g.attempts : 0,
        ms: owner ? g.ms : Date.now() - started,
      };
    }
    if (r.kind === 'error') return { status: 'error', error: r.error };
    if (r.kind === 'budget') return { status: 'budget', message: r.message };
    return { status: 'aborted' };
  }

  /** The provider call behind a flight: budget, limiter, provider, cache. */
  private async call(m: Model, req: SampleRequest, prompt: RenderedPrompt, key: string, keyInput: GenerationKeyInput, signal: AbortSignal): Promise<CallResult> {
    const spec = m.spec;
    const prices = pricesFor(spec);
    const { tokens, costUsd: estimate } = estimateSample(spec, prompt);
    const what = `${req.model} ${req.taskId} ${req.language} #${req.sampleIndex}`;
    this.calls++;
    let reservation: Reservation | undefined;
    let permit: { release(actual?: number): void } | undefined;
    let charged = 0;
    let used: number | undefined;
    try {
      reservation = await this.budget.reserve(estimate, signal, what);
      if (!reservation.ok) return { kind: 'budget', message: reservation.message };
      const limits = { concurrency: spec.llm.concurrency, rpm: spec.llm.rpm, tpm: spec.llm.tpm };
      permit = await this.limiters.get(limiterKey(spec), limits).acquire(tokens, signal);
      const result = await m.provider!.generate({ system: prompt.system, user: prompt.user, sampleIndex: req.sampleIndex }, signal);
      const costUsd = costOf(result.usage, prices);
      // A known price with no reported usage: the estimate stands in, so the budget never undercounts.
      charged = costUsd ?? estimate ?? 0;
      used = result.usage ? result.usage.input + result.usage.output : undefined;
      this.ledger.generated(req.model, result.usage, costUsd);
      try {
        this.opts.cache.put(key, { text: result.text, refused: result.refused, finish: result.finish, usage: result.usage, costUsd, model: result.model, keyInput });
      } catch (e) {
        this.ledger.warnings.push(`could not write the generation cache entry of ${what}: ${(e as Error).message}`);
      }
      this.fresh.add(key);
      return { kind: 'ok', result, costUsd };
    } catch (e) {
      // Failed and cancelled calls charge nothing: the vendors do not bill an error status or an unread answer.
      if (signal.aborted) return { kind: 'aborted' };
      return { kind: 'error', error: infoOf(e) };
    } finally {
      this.calls--;
      if (reservation?.ok) reservation.release(charged);
      permit?.release(used);
    }
  }

  private emit(): void {
    const p = this.ledger.progress(this.calls);
    for (const l of this.listeners) {
      try {
        l(p);
      } catch {
        // A broken progress line must not fail a sample.
      }
    }
  }
}

/** Anything thrown while answering, as the wire's error object. */
export function infoOf(e: unknown): SampleErrorInfo {
  if (e instanceof ProviderError) return { code: e.code, message: e.message, retryable: e.retryable, attempts: e.attempts, ...(e.hint ? { hint: e.hint } : {}) };
  if (e instanceof DualGaugeError) return { code: e.code, message: e.message, retryable: false, ...(e.hint ? { hint: e.hint } : {}) };
  return { code: 'DG_INTERNAL', message: `generation service: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, retryable: false };
}
