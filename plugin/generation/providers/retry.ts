/**
 * Our retry layer, above the SDK's. The SDKs retry what fails before a response is accepted (429/5xx,
 * connection errors, timeouts, honouring Retry-After); they cannot retry what fails after a 200 arrived: a body
 * that is not JSON, a stream cut off or gone silent. Those are retried here, a bounded number of times, with
 * exponential backoff and full jitter. Everything waits abortably.
 */
import { retriedByUs } from './classify.js';
import { ProviderError } from './types.js';

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** First backoff; doubled per attempt, capped at 30 s, jittered to 50-100 %. */
  backoffMs: number;
  signal: AbortSignal;
}

const MAX_BACKOFF_MS = 30_000;

export function backoffDelay(attempt: number, baseMs: number, random = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (attempt - 1));
  // Jitter spreads the retries of concurrent samples that failed together, so they do not collide again.
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** Run `attempt` until it succeeds, throws something we do not retry, or the attempts are used up. */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!retriedByUs(e) || n >= opts.attempts || opts.signal.aborted) {
        if (e instanceof ProviderError && retriedByUs(e) && n > 1) e.message += ` (after ${n} attempts)`;
        throw e;
      }
      await sleep(backoffDelay(n, opts.backoffMs), opts.signal);
    }
  }
}

function abortError(signal: AbortSignal): ProviderError {
  return new ProviderError('DG_PROVIDER_ABORTED', `generation cancelled (${String(signal.reason ?? 'aborted')})`, { kind: 'aborted', retryable: false });
}

/** setTimeout as a promise that rejects at once when the signal fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settle with `work`, or reject as soon as the signal fires. The SDKs pass the signal to fetch but sleep
 * between their own retries without looking at it (a Retry-After of a minute would hold a cancelled run).
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** A pass-through fetch that counts requests, so a result can say how many HTTP calls it took (SDK retries too). */
export function countingFetch(): { fetch: typeof fetch; count: () => number } {
  let n = 0;
  return {
    fetch: (input, init) => {
      n++;
      return globalThis.fetch(input, init);
    },
    count: () => n,
  };
}
