/**
 * From whatever an SDK call threw to one ProviderError with a code, a hint and `retryable`. Both SDKs are
 * generated from the same template, so their error classes line up one to one; each is checked by instanceof.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ProviderError } from './types.js';

export interface FailureContext {
  /** 'OpenAI', 'Anthropic', or the openai-compatible model's name: who answered. */
  vendor: string;
  baseURL: string;
  /** The env variable the key came from, or null when none is sent. */
  keyEnv: string | null;
  timeoutMs: number;
  /** SDK retries allowed, for the messages that say they were used up. */
  maxRetries: number;
  /** The caller's signal: when it fired, whatever the SDK threw is an abort. */
  signal: AbortSignal;
}

/** Errors our own retry layer tries again: failures the SDKs do not retry because headers had arrived (a 200). */
const again = new WeakSet<ProviderError>();

export function retriedByUs(e: unknown): boolean {
  return e instanceof ProviderError && again.has(e);
}

/** Mark an error as one the SDK could not retry and we should. */
export function outerRetryable(e: ProviderError): ProviderError {
  again.add(e);
  return e;
}

const isTimeout = (e: unknown) => e instanceof OpenAI.APIConnectionTimeoutError || e instanceof Anthropic.APIConnectionTimeoutError;
const isConnection = (e: unknown) => e instanceof OpenAI.APIConnectionError || e instanceof Anthropic.APIConnectionError;
const isUserAbort = (e: unknown) => e instanceof OpenAI.APIUserAbortError || e instanceof Anthropic.APIUserAbortError;
const isApiError = (e: unknown): e is { status?: number; message: string; error?: unknown; code?: unknown } =>
  e instanceof OpenAI.APIError || e instanceof Anthropic.APIError;
const isClientError = (e: unknown) => e instanceof OpenAI.OpenAIError || e instanceof Anthropic.AnthropicError;

/** undici reports a body cut short as `TypeError: terminated` (its cause says why); fetch-level failures alike. */
function isCutOff(e: unknown): boolean {
  if (!(e instanceof TypeError)) return false;
  const cause = (e as { cause?: { code?: string } }).cause;
  return /^(terminated|fetch failed)$/.test(e.message) || /^(ECONNRESET|EPIPE|UND_ERR_)/.test(cause?.code ?? '');
}

function causeText(e: unknown): string {
  const cause = (e as { cause?: { message?: string; code?: string } }).cause;
  return cause?.code ?? cause?.message ?? '';
}

export function classify(e: unknown, ctx: FailureContext): ProviderError {
  if (ctx.signal.aborted) {
    return new ProviderError('DG_PROVIDER_ABORTED', `generation cancelled (${String(ctx.signal.reason ?? 'aborted')})`, { kind: 'aborted', retryable: false, cause: e });
  }
  if (e instanceof ProviderError) return e;
  // Anthropic's MessageStream wraps what broke the stream (a SyntaxError, `TypeError: terminated`) in a plain
  // AnthropicError with the original as its cause: judge the original.
  const cause = (e as { cause?: unknown } | null)?.cause;
  if (isClientError(e) && !isApiError(e) && cause instanceof Error) return classify(cause, ctx);
  const tries = ctx.maxRetries > 0 ? ` (and ${ctx.maxRetries} retries)` : '';
  if (isTimeout(e)) {
    return new ProviderError('DG_PROVIDER_TIMEOUT', `${ctx.vendor} did not start answering within ${ctx.timeoutMs} ms${tries}`, {
      retryable: true,
      cause: e,
      hint: 'raise timeout_ms for this model (reasoning models may think for minutes), or lower its concurrency',
    });
  }
  if (isUserAbort(e)) {
    // Not the caller's signal, and not our stall timer (that throws its own error): the SDK gave up by itself.
    return new ProviderError('DG_PROVIDER_FAILED', `${ctx.vendor} request was aborted`, { retryable: true, cause: e });
  }
  if (isConnection(e)) {
    const why = causeText(e);
    return new ProviderError('DG_PROVIDER_CONNECTION', `cannot reach ${ctx.baseURL}${why ? ` (${why})` : ''}${tries}`, {
      retryable: true,
      cause: e,
      hint: 'check base_url and that the server is up; a proxy or VPN may be dropping the connection',
    });
  }
  if (isApiError(e)) return fromStatus(e, ctx, tries);
  if (e instanceof SyntaxError) {
    return outerRetryable(new ProviderError('DG_PROVIDER_MALFORMED', `${ctx.vendor} sent a response that is not valid JSON: ${e.message}`, {
      retryable: true,
      cause: e,
      hint: 'a proxy in between may be rewriting responses; retried, then reported',
    }));
  }
  if (isCutOff(e)) {
    return outerRetryable(new ProviderError('DG_PROVIDER_TRUNCATED', `${ctx.vendor} response was cut off (${[(e as Error).message, causeText(e)].filter(Boolean).join(': ')})`, {
      retryable: true,
      cause: e,
      hint: 'the connection dropped mid-answer; retried, then reported',
    }));
  }
  if (isClientError(e)) {
    // Raised by the SDK before any request, e.g. Anthropic's "Streaming is required" for a huge max_tokens.
    return new ProviderError('DG_PROVIDER_REQUEST', `${ctx.vendor} SDK refused the request: ${(e as Error).message}`, { retryable: false, cause: e, hint: 'check the model settings in the config' });
  }
  return new ProviderError('DG_PROVIDER_FAILED', `${ctx.vendor} call failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { retryable: false, cause: e });
}

function fromStatus(e: { status?: number; message: string; code?: unknown }, ctx: FailureContext, tries: string): ProviderError {
  const status = e.status;
  const said = e.message;
  if (status === undefined) {
    // An error event inside a 200 stream (Anthropic `overloaded_error` mid-answer): a server failure we retry.
    return outerRetryable(new ProviderError('DG_PROVIDER_SERVER', `${ctx.vendor} reported an error mid-answer: ${said}`, { retryable: true, cause: e }));
  }
  if (status === 401 || status === 403) {
    return new ProviderError('DG_PROVIDER_AUTH', `${ctx.vendor} refused the credentials (HTTP ${status}): ${said}`, {
      status,
      retryable: false,
      cause: e,
      hint: ctx.keyEnv
        ? `check the API key in $${ctx.keyEnv} (the model's api_key_env) and that it may use this model`
        : 'the server wants a key: set api_key_env to the env variable that holds it',
    });
  }
  if (status === 429) {
    if (e.code === 'insufficient_quota') {
      return new ProviderError('DG_PROVIDER_RATE_LIMITED', `${ctx.vendor} account is out of quota: ${said}`, { status, retryable: false, cause: e, hint: 'check the billing of the account behind the key' });
    }
    return new ProviderError('DG_PROVIDER_RATE_LIMITED', `${ctx.vendor} kept rate-limiting${tries}: ${said}`, {
      status,
      retryable: true,
      cause: e,
      hint: 'lower concurrency, set rpm/tpm for this model, or raise max_retries',
    });
  }
  if (status >= 500) {
    return new ProviderError('DG_PROVIDER_SERVER', `${ctx.vendor} server error (HTTP ${status})${tries}: ${said}`, { status, retryable: true, cause: e, hint: 'the vendor is failing or overloaded; run again later (finished samples are cached)' });
  }
  return new ProviderError('DG_PROVIDER_REQUEST', `${ctx.vendor} refused the request (HTTP ${status}): ${said}`, {
    status,
    retryable: status === 408 || status === 409,
    cause: e,
    hint: status === 404 ? 'check the model name (and base_url)' : 'check the model settings (temperature, max_tokens, reasoning_effort, thinking) against what this model accepts',
  });
}
