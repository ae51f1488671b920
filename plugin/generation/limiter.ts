/**
 * Per-provider-key admission: at most `concurrency` requests in flight, `rpm` requests and `tpm` tokens in any
 * sliding window of a minute. A request's tokens are estimated when it is admitted and corrected by its real
 * usage when it ends. Waiters are served in arrival order (a big request is not starved by small ones), wait on
 * one timer set for the moment the window frees up (no polling), and leave the queue when their signal fires.
 */

export interface RateLimits {
  concurrency: number;
  /** Requests per window; null or undefined: unlimited. */
  rpm?: number | null;
  /** Tokens per window; null or undefined: unlimited. */
  tpm?: number | null;
}

export interface LimiterOptions {
  /** The sliding window (default one minute); tests use a short one. */
  windowMs?: number;
  now?: () => number;
}

/** An admitted request. `release` with its actual token count (input + output) once it ends, however it ends. */
export interface Permit {
  release(actualTokens?: number): void;
}

interface Waiter {
  tokens: number;
  resolve: (p: Permit) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** One admitted request in the window: when it started and the tokens it is charged. */
interface Charge {
  at: number;
  tokens: number;
}

export class Limiter {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private charges: Charge[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(
    readonly limits: RateLimits,
    opts: LimiterOptions = {},
  ) {
    if (!(limits.concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, not ${limits.concurrency}`);
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? (() => Date.now());
  }

  /** Wait for admission. Rejects with the signal's reason if it fires first. */
  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const w: Waiter = { tokens: Math.max(0, Math.ceil(estimatedTokens)), resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
          // The head may have changed: someone behind the aborted waiter could go now.
          this.pump();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.pump();
    });
  }

  /** Requests in flight and waiting, for progress lines and tests. */
  stats(): { active: number; waiting: number; windowRequests: number; windowTokens: number } {
    this.expire();
    return { active: this.active, waiting: this.queue.length, windowRequests: this.charges.length, windowTokens: this.windowTokens() };
  }

  private windowTokens(): number {
    return this.charges.reduce((sum, c) => sum + c.tokens, 0);
  }

  private expire(): void {
    const cutoff = this.now() - this.windowMs;
    if (this.charges.length && this.charges[0].at <= cutoff) this.charges = this.charges.filter((c) => c.at > cutoff);
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length) {
      const head = this.queue[0];
      if (this.active >= this.limits.concurrency) return; // a release pumps again
      this.expire();
      const { rpm, tpm } = this.limits;
      const byRequests = rpm != null && this.charges.length >= rpm;
      // A request larger than the whole budget still goes once the window is empty, or it would wait forever.
      const byTokens = tpm != null && this.charges.length > 0 && this.windowTokens() + head.tokens > tpm;
      if (byRequests || byTokens) {
        this.waitForWindow(head.tokens);
        return;
      }
      this.queue.shift();
      if (head.signal && head.onAbort) head.signal.removeEventListener('abort', head.onAbort);
      head.resolve(this.admit(head.tokens));
    }
  }

  /** One timer, for when enough of the window has expired for the head to fit. */
  private waitForWindow(tokens: number): void {
    const { rpm, tpm } = this.limits;
    let freeAt = Infinity;
    let needRequests = rpm != null ? this.charges.length - rpm + 1 : 0;
    let tokensOver = tpm != null ? this.windowTokens() + tokens - tpm : 0;
    for (const c of this.charges) {
      needRequests--;
      tokensOver -= c.tokens;
      if (needRequests <= 0 && tokensOver <= 0) {
        freeAt = c.at + this.windowMs;
        break;
      }
    }
    // Nothing would be enough short of an empty window: wait for the newest charge to expire.
    if (freeAt === Infinity) freeAt = this.charges[this.charges.length - 1].at + this.windowMs;
    this.timer = setTimeout(() => this.pump(), Math.max(1, freeAt - this.now() + 1));
    // Waiting for a window must not keep a finished process alive.
    this.timer.unref?.();
  }

  private admit(tokens: number): Permit {
    this.active++;
    const charge: Charge = { at: this.now(), tokens };
    this.charges.push(charge);
    let released = false;
    return {
      release: (actualTokens?: number) => {
        if (released) return;
        released = true;
        this.active--;
        // The estimate is replaced by what the vendor billed; the start time stays, as the vendors count it.
        if (actualTokens !== undefined && Number.isFinite(actualTokens)) charge.tokens = Math.max(0, Math.ceil(actualTokens));
        this.pump();
      },
    };
  }
}

/** Limiters shared by key: models behind one account and endpoint share its limits. Created by the caller. */
export class LimiterPool {
  private readonly limiters = new Map<string, Limiter>();
  constructor(private readonly opts: LimiterOptions = {}) {}

  /** The limiter of `key`; the first caller's limits win (later models with the same key share them). */
  get(key: string, limits: RateLimits): Limiter {
    let l = this.limiters.get(key);
    if (!l) this.limiters.set(key, (l = new Limiter(limits, this.opts)));
    return l;
  }
}

/**
 * The limiter key of a model: vendors count rate limits per account (key) and model, so two config entries for the
 * same model, endpoint and key share one limiter.
 */
export function limiterKey(spec: { provider: string; target: string; llm?: { baseURL: string | null; apiKeyEnv: string | null } }): string {
  return [spec.provider, spec.target, spec.llm?.baseURL ?? 'default', spec.llm?.apiKeyEnv ?? ''].join('|');
}

/** Tokens a request may use, charged before it is sent: prompt (~4 characters a token) plus the output cap. */
export function estimateTokens(req: { system: string; user: string }, maxOutputTokens = 4096): number {
  return Math.ceil((req.system.length + req.user.length) / 4) + maxOutputTokens;
}
