/**
 * plugin/generation/limiter.ts under Vitest's fake clock (Date.now and setTimeout together), so minutes pass in
 * microseconds and "no busy loop" can be checked by counting pending timers.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { estimateTokens, Limiter, LimiterPool, limiterKey, type Permit } from '../../plugin/generation/limiter.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Admissions so far, in order, by label. */
function tracker() {
  const admitted: string[] = [];
  const permits = new Map<string, Permit>();
  const take = (l: Limiter, label: string, tokens = 0, signal?: AbortSignal) => {
    const p = l.acquire(tokens, signal).then((permit) => {
      admitted.push(label);
      permits.set(label, permit);
      return permit;
    });
    p.catch(() => {});
    return p;
  };
  return { admitted, permits, take };
}

/** Let resolved promises run without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('concurrency', () => {
  test('at most `concurrency` in flight; a release admits the next, in arrival order', async () => {
    const l = new Limiter({ concurrency: 2 });
    const t = tracker();
    for (const x of ['a', 'b', 'c', 'd']) void t.take(l, x);
    await settle();
    expect(t.admitted).toEqual(['a', 'b']);
    expect(l.stats()).toMatchObject({ active: 2, waiting: 2 });
    t.permits.get('b')!.release();
    await settle();
    expect(t.admitted).toEqual(['a', 'b', 'c']);
    t.permits.get('a')!.release();
    t.permits.get('a')!.release(); // a second release is a no-op, not a free slot
    await settle();
    expect(t.admitted).toEqual(['a', 'b', 'c', 'd']);
    expect(l.stats()).toMatchObject({ active: 2, waiting: 0 });
  });

  test('waiting for a slot sets no timer (a release wakes the queue)', async () => {
    const l = new Limiter({ concurrency: 1 });
    const t = tracker();
    void t.take(l, 'a');
    void t.take(l, 'b');
    await settle();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('requests per minute', () => {
  test('the (rpm+1)th request waits until the first leaves the one-minute window', async () => {
    const l = new Limiter({ concurrency: 10, rpm: 3 });
    const t = tracker();
    for (const x of ['a', 'b', 'c']) void (await t.take(l, x)).release();
    await vi.advanceTimersByTimeAsync(10_000);
    void t.take(l, 'd');
    await settle();
    expect(t.admitted).toEqual(['a', 'b', 'c']);
    // One timer for the moment the window frees up: no polling.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(49_000);
    expect(t.admitted).not.toContain('d');
    await vi.advanceTimersByTimeAsync(1_100);
    expect(t.admitted).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a short window (option) behaves the same', async () => {
    const l = new Limiter({ concurrency: 10, rpm: 1 }, { windowMs: 100 });
    const t = tracker();
    (await t.take(l, 'a')).release();
    void t.take(l, 'b');
    await vi.advanceTimersByTimeAsync(50);
    expect(t.admitted).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(60);
    expect(t.admitted).toEqual(['a', 'b']);
  });
});

describe('tokens per minute', () => {
  test('the estimate is charged on admission; a request that would pass tpm waits', async () => {
    const l = new Limiter({ concurrency: 10, tpm: 1000 });
    const t = tracker();
    const a = await t.take(l, 'a', 600);
    void t.take(l, 'b', 600);
    await settle();
    expect(t.admitted).toEqual(['a']);
    a.release(600);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(t.admitted).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(t.admitted).toEqual(['a', 'b']);
  });

  test('actual usage replaces the estimate: a smaller bill lets the next request in at once', async () => {
    const l = new Limiter({ concurrency: 10, tpm: 1000 });
    const t = tracker();
    const a = await t.take(l, 'a', 900);
    void t.take(l, 'b', 500);
    await settle();
    expect(t.admitted).toEqual(['a']);
    a.release(200); // the answer was short: 200 tokens billed
    await settle();
    expect(t.admitted).toEqual(['a', 'b']);
    expect(l.stats().windowTokens).toBe(700);
  });

  test('a larger bill than estimated delays later requests', async () => {
    const l = new Limiter({ concurrency: 10, tpm: 1000 }, { windowMs: 1000 });
    const t = tracker();
    (await t.take(l, 'a', 100)).release(950);
    void t.take(l, 'b', 100);
    await vi.advanceTimersByTimeAsync(500);
    expect(t.admitted).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(600);
    expect(t.admitted).toEqual(['a', 'b']);
  });

  test('a request bigger than the whole budget still goes once the window is empty', async () => {
    const l = new Limiter({ concurrency: 10, tpm: 100 }, { windowMs: 1000 });
    const t = tracker();
    const first = await t.take(l, 'huge', 5000);
    first.release(5000);
    void t.take(l, 'next', 10);
    await vi.advanceTimersByTimeAsync(900);
    expect(t.admitted).toEqual(['huge']);
    await vi.advanceTimersByTimeAsync(200);
    expect(t.admitted).toEqual(['huge', 'next']);
  });

  test('arrival order holds: a small request does not overtake a big one waiting for tokens', async () => {
    const l = new Limiter({ concurrency: 10, tpm: 1000 }, { windowMs: 1000 });
    const t = tracker();
    (await t.take(l, 'a', 800)).release(800);
    void t.take(l, 'big', 500);
    void t.take(l, 'small', 10);
    await settle();
    expect(t.admitted).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1100);
    expect(t.admitted).toEqual(['a', 'big', 'small']);
  });
});

describe('abort', () => {
  test('an aborted waiter leaves the queue and rejects with the signal’s reason; the rest go on', async () => {
    const l = new Limiter({ concurrency: 1 });
    const t = tracker();
    const a = await t.take(l, 'a');
    const ac = new AbortController();
    const b = t.take(l, 'b', 0, ac.signal);
    void t.take(l, 'c');
    await settle();
    ac.abort(new Error('cancelled'));
    await expect(b).rejects.toThrow('cancelled');
    expect(l.stats().waiting).toBe(1);
    a.release();
    await settle();
    expect(t.admitted).toEqual(['a', 'c']);
  });

  test('aborting the head of a window wait lets the next one be considered, and clears nothing it should not', async () => {
    const l = new Limiter({ concurrency: 5, tpm: 100 }, { windowMs: 1000 });
    const t = tracker();
    (await t.take(l, 'a', 90)).release(90);
    const ac = new AbortController();
    void t.take(l, 'big', 50, ac.signal);
    void t.take(l, 'tiny', 5);
    await settle();
    expect(t.admitted).toEqual(['a']);
    ac.abort();
    await settle();
    expect(t.admitted).toEqual(['a', 'tiny']);
  });

  test('an already aborted signal rejects at once and takes nothing', async () => {
    const l = new Limiter({ concurrency: 1 });
    const ac = new AbortController();
    ac.abort(new Error('too late'));
    await expect(l.acquire(10, ac.signal)).rejects.toThrow('too late');
    expect(l.stats()).toMatchObject({ active: 0, waiting: 0, windowRequests: 0 });
  });

  test('abort during a real (not fake) short window wait returns promptly', async () => {
    vi.useRealTimers();
    const l = new Limiter({ concurrency: 1, rpm: 1 }, { windowMs: 60_000 });
    (await l.acquire(0)).release();
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('stop')), 30);
    await expect(l.acquire(0, ac.signal)).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('pool, keys and estimates', () => {
  test('one limiter per key, shared; different keys are independent', () => {
    const pool = new LimiterPool();
    const a = pool.get('k1', { concurrency: 1 });
    expect(pool.get('k1', { concurrency: 9 })).toBe(a);
    expect(pool.get('k2', { concurrency: 1 })).not.toBe(a);
  });

  test('limiterKey: provider, model, endpoint and key variable', () => {
    const base = { provider: 'openai', target: 'gpt-x', llm: { baseURL: null, apiKeyEnv: 'OPENAI_API_KEY' } };
    expect(limiterKey(base)).toBe(limiterKey({ ...base }));
    expect(limiterKey(base)).not.toBe(limiterKey({ ...base, llm: { baseURL: null, apiKeyEnv: 'OTHER_KEY' } }));
    expect(limiterKey(base)).not.toBe(limiterKey({ ...base, target: 'gpt-y' }));
  });

  test('estimateTokens: about four characters a token, plus the output cap', () => {
    expect(estimateTokens({ system: 'x'.repeat(40), user: 'y'.repeat(40) }, 100)).toBe(120);
  });

  test('concurrency below 1 is a programming error', () => {
    expect(() => new Limiter({ concurrency: 0 })).toThrow(RangeError);
  });
});
