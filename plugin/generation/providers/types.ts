/**
 * The provider contract: one `generate()` per sample, returning the raw answer or throwing a classified
 * ProviderError. A refusal is an answer (`refused: true`), never an error; an error is never an empty answer.
 */

/** Env variables as a plain map: providers never read process.env themselves, so workers can pass an allowlist. */
export type EnvMap = Readonly<Record<string, string | undefined>>;

export interface GenerationRequest {
  system: string;
  user: string;
  /** Which of the n samples this is: varies the seed, so n samples are not n copies. */
  sampleIndex: number;
}

/** Tokens as billed: `output` includes `reasoning` (thinking) tokens, as both vendors count them. */
export interface Usage {
  input: number;
  output: number;
  reasoning?: number;
}

export interface GenerationResult {
  /** The visible answer (a refusal's own words when refused); null when the API returned no text at all. */
  text: string | null;
  /** The vendor said the model declined: OpenAI `refusal`, Anthropic `stop_reason: 'refusal'`, a content filter. */
  refused: boolean;
  /** Why generation stopped, normalised: 'stop' | 'length' | 'refusal' | 'content_filter' | the vendor's own word. */
  finish: string | null;
  /** null when the server reported none (some OpenAI-compatible servers): cost is then unknown, not 0. */
  usage: Usage | null;
  /** The model that answered, as the API names it (may be a dated snapshot of the configured one). */
  model: string;
  /** HTTP requests made for this answer, SDK retries and ours included. */
  attempts: number;
  ms: number;
}

export interface Provider {
  readonly id: string;
  generate(req: GenerationRequest, signal: AbortSignal): Promise<GenerationResult>;
}

export interface ProviderOptions {
  env: EnvMap;
  /** Overrides the model's timeout_ms (tests, or a caller with its own deadline). */
  fetchTimeoutMs?: number;
  /** Attempts of our own retry layer (faults the SDK does not retry); default 3. */
  outerAttempts?: number;
  /** First backoff of our retry layer in ms, doubled per attempt with jitter; default 1000. */
  backoffMs?: number;
}

export type ProviderErrorCode =
  | 'DG_PROVIDER_NO_KEY'
  | 'DG_PROVIDER_AUTH'
  | 'DG_PROVIDER_RATE_LIMITED'
  | 'DG_PROVIDER_SERVER'
  | 'DG_PROVIDER_TIMEOUT'
  | 'DG_PROVIDER_CONNECTION'
  | 'DG_PROVIDER_MALFORMED'
  | 'DG_PROVIDER_TRUNCATED'
  | 'DG_PROVIDER_STALLED'
  | 'DG_PROVIDER_REQUEST'
  | 'DG_PROVIDER_ABORTED'
  | 'DG_PROVIDER_FAILED';

/**
 * A generation that failed for a reason outside the candidate: `kind: 'infra'` (the sample is left out of n and
 * the row marked incomplete, CONTRACTS.md), or `kind: 'aborted'` when the caller's AbortSignal fired.
 * `retryable` says whether trying again later may succeed (a 429 or 5xx may; a 401 or 400 will not).
 */
export class ProviderError extends Error {
  readonly kind: 'infra' | 'aborted';
  readonly code: ProviderErrorCode;
  readonly status?: number;
  readonly retryable: boolean;
  readonly hint?: string;
  /** HTTP requests made before giving up. */
  attempts: number;

  constructor(
    code: ProviderErrorCode,
    message: string,
    opts: { status?: number; retryable: boolean; hint?: string; cause?: unknown; attempts?: number; kind?: 'infra' | 'aborted' },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = opts.kind ?? 'infra';
    this.code = code;
    this.status = opts.status;
    this.retryable = opts.retryable;
    this.hint = opts.hint;
    this.attempts = opts.attempts ?? 0;
  }

  override toString(): string {
    return `[${this.code}] ${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}
ProviderError.prototype.name = 'ProviderError';
