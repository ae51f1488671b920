/**
 * The generation service's books: what each model was asked and answered, what it cost, and the run's budget.
 * Kept apart from the socket and the provider calls so the arithmetic can be read (and trusted) on its own.
 */
import type { Usage } from './providers/types.js';
import type { SampleRequest, SampleStatus } from './service-protocol.js';

export interface ModelStats {
  /** Every request for this model, whatever became of it. */
  requests: number;
  /** Answered without a provider call of its own: a cache hit, or a share of an identical request's call. */
  cached: number;
  /** Provider calls that produced an answer (each billed once). */
  generated: number;
  /** Requests answered with an error. */
  failed: number;
  /** Requests refused because the model's key is missing. */
  skipped: number;
  /** Requests not generated because of the budget. */
  budget: number;
  /** Requests cancelled by their worker. */
  aborted: number;
  /** Billed tokens of the generated answers (cache hits cost nothing this run); `output` includes `reasoning`. */
  tokens: { input: number; output: number; reasoning: number };
  /**
   * USD of the generated answers whose cost is known; null when answers were generated and none has a known cost.
   * With `unknownCostSamples > 0` it is a lower bound: report both, never the sum alone.
   */
  costUsd: number | null;
  /** Generated answers whose cost is unknown (no price for the model, or the server reported no usage). */
  unknownCostSamples: number;
}

/** A sample the run wanted and did not get because of the budget: the report prints these as "missing". */
export interface MissingSample {
  model: string;
  taskId: string;
  language: string;
  sampleIndex: number;
  reason: string;
}

export interface GenerationStats {
  models: Record<string, ModelStats>;
  /** USD spent this run on answers of known cost. */
  spentUsd: number;
  unknownCostSamples: number;
  budgetUsd: number | null;
  /** What is left of the budget (spent, estimates of unknown-cost answers and calls in flight deducted); null: no budget. */
  budgetLeftUsd: number | null;
  /** A request was refused for the budget: every later one not in the cache is refused too. */
  budgetExhausted: boolean;
  missing: MissingSample[];
  /** Models skipped for a missing key, with the line to print. */
  skippedModels: { model: string; message: string }[];
  /** Provider calls in progress, those waiting for the budget or a limiter included. */
  inFlight: number;
  /** Problems that did not fail a sample (a cache entry that could not be written). */
  warnings: string[];
}

export interface GenerationProgress {
  /** Requests answered (ok, error, skipped or budget; cancelled ones are not done). */
  done: number;
  /** As announced by the caller; null when none was. */
  total: number | null;
  cached: number;
  generated: number;
  failed: number;
  skipped: number;
  missing: number;
  spentUsd: number;
  unknownCostSamples: number;
  inFlight: number;
}

const emptyStats = (): ModelStats => ({
  requests: 0,
  cached: 0,
  generated: 0,
  failed: 0,
  skipped: 0,
  budget: 0,
  aborted: 0,
  tokens: { input: 0, output: 0, reasoning: 0 },
  costUsd: null,
  unknownCostSamples: 0,
});

/** Per-model counts, the missing list and the progress they add up to. */
export class Ledger {
  private readonly models = new Map<string, ModelStats>();
  private readonly missing = new Map<string, MissingSample>();
  readonly warnings: string[] = [];
  total: number | null = null;
  private done = 0;

  constructor(
    modelIds: string[],
    readonly skippedModels: { model: string; message: string }[],
  ) {
    for (const id of modelIds) this.models.set(id, emptyStats());
  }

  private of(model: string): ModelStats | undefined {
    return this.models.get(model);
  }

  requested(model: string): void {
    const s = this.of(model);
    if (s) s.requests++;
  }

  /** One request settled with `status`; `cached` for an ok answer that made no call of its own. */
  answered(req: SampleRequest, status: SampleStatus, opts: { cached?: boolean; reason?: string } = {}): void {
    const s = this.of(req.model);
    if (status !== 'aborted') this.done++;
    if (!s) return;
    if (status === 'ok') {
      if (opts.cached) s.cached++;
    } else if (status === 'error') s.failed++;
    else if (status === 'skipped') s.skipped++;
    else if (status === 'aborted') s.aborted++;
    else if (status === 'budget') {
      s.budget++;
      const k = JSON.stringify([req.model, req.taskId, req.language, req.sampleIndex]);
      // The same sample asked twice is still one missing sample.
      if (!this.missing.has(k)) {
        this.missing.set(k, { model: req.model, taskId: req.taskId, language: req.language, sampleIndex: req.sampleIndex, reason: opts.reason ?? 'budget' });
      }
    }
  }

  /** A provider call produced an answer: counted once, however many requests shared it. */
  generated(model: string, usage: Usage | null, costUsd: number | null): void {
    const s = this.of(model);
    if (!s) return;
    s.generated++;
    if (usage) {
      s.tokens.input += usage.input;
      s.tokens.output += usage.output;
      s.tokens.reasoning += usage.reasoning ?? 0;
    }
    if (costUsd === null) s.unknownCostSamples++;
    else s.costUsd = (s.costUsd ?? 0) + costUsd;
  }

  progress(inFlight: number): GenerationProgress {
    const all = [...this.models.values()];
    const sum = (f: (s: ModelStats) => number) => all.reduce((a, s) => a + f(s), 0);
    return {
      done: this.done,
      total: this.total,
      cached: sum((s) => s.cached),
      generated: sum((s) => s.generated),
      failed: sum((s) => s.failed),
      skipped: sum((s) => s.skipped),
      missing: this.missing.size,
      spentUsd: sum((s) => s.costUsd ?? 0),
      unknownCostSamples: sum((s) => s.unknownCostSamples),
      inFlight,
    };
  }

  stats(budget: Budget, inFlight: number): GenerationStats {
    const p = this.progress(inFlight);
    return {
      models: Object.fromEntries([...this.models].map(([id, s]) => [id, { ...s, tokens: { ...s.tokens } }])),
      spentUsd: p.spentUsd,
      unknownCostSamples: p.unknownCostSamples,
      budgetUsd: budget.limit,
      budgetLeftUsd: budget.left(),
      budgetExhausted: budget.exhausted,
      missing: [...this.missing.values()],
      skippedModels: [...this.skippedModels],
      inFlight,
      warnings: [...this.warnings],
    };
  }
}

export type Reservation = { ok: true; release(chargedUsd: number): void } | { ok: false; message: string };

const usd = (n: number) => `$${n.toFixed(n < 0.01 ? 6 : 4)}`;

/**
 * The run's budget. Before a call its estimated cost (the whole output cap) is reserved; after it, the reservation
 * is replaced by what was charged. A call goes only if spent + reserved + its estimate fits; if it would fit once
 * calls in flight settle (their real cost is usually below the estimate), it waits for them instead of giving up.
 * The first refusal is final for the run: later samples are missing too, so the report shows a clean cut, not holes.
 */
export class Budget {
  private charged = 0;
  private reserved = 0;
  exhausted = false;
  private waiters = new Set<() => void>();

  constructor(readonly limit: number | null) {}

  left(): number | null {
    return this.limit === null ? null : Math.max(0, this.limit - this.charged - this.reserved);
  }

  async reserve(estimate: number | null, signal: AbortSignal, what: string): Promise<Reservation> {
    if (this.limit === null) return { ok: true, release: () => {} };
    if (estimate === null) {
      // An unknown price under a budget would be unbounded spending presented as capped.
      return { ok: false, message: `${what} has no known price, so the budget of ${usd(this.limit)} cannot be enforced for it: set prices: for this model (0 for a free local server)` };
    }
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (this.exhausted) return { ok: false, message: `the budget of ${usd(this.limit)} is used up (${usd(this.charged)} charged): ${what} was not generated` };
      if (this.charged + estimate > this.limit) {
        this.exhausted = true;
        return { ok: false, message: `the budget of ${usd(this.limit)} would be exceeded (${usd(this.charged)} charged, this sample may cost up to ${usd(estimate)}): ${what} was not generated` };
      }
      if (this.charged + this.reserved + estimate <= this.limit) break;
      await this.settled(signal);
    }
    this.reserved += estimate;
    let released = false;
    return {
      ok: true,
      release: (chargedUsd: number) => {
        if (released) return;
        released = true;
        this.reserved -= estimate;
        this.charged += chargedUsd;
        for (const w of [...this.waiters]) w();
      },
    };
  }

  /** Resolves when a reservation is released, rejects when the signal fires. */
  private settled(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(done);
        reject(signal.reason);
      };
      this.waiters.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
