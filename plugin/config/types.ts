/** The resolved run plan: what the config and a suite ask for, with absolute paths. */

export const LANGUAGES = ['python', 'javascript', 'cpp'] as const;
export type LanguageName = (typeof LANGUAGES)[number];

export interface ModelSpec {
  /** `provider:target` exactly as written in the config. */
  id: string;
  provider: string;
  target: string;
  label: string;
  n?: number;
  /** Settings of an LLM provider (openai, anthropic, openai-compatible); absent for reference and files. */
  llm?: LlmSettings;
}

/** Providers that call a model over HTTP through a vendor SDK (docs/providers.md). */
export const LLM_PROVIDERS = ['openai', 'anthropic', 'openai-compatible'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/** OpenAI `reasoning_effort` values; Anthropic's `output_config.effort` takes low..max. */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** What changes the answer a model gives: exactly these go into the generation cache key. */
export interface Sampling {
  temperature?: number;
  topP?: number;
  /** Output token cap (OpenAI max_completion_tokens / max_output_tokens, Anthropic max_tokens). */
  maxTokens?: number;
  /** Base seed; sample i is sent seed + i, so n samples are not n copies of one. */
  seed?: number;
  reasoningEffort?: ReasoningEffort;
  /** Anthropic extended thinking: a budget, 'adaptive' (the model decides), or false to turn it off. */
  thinking?: { budgetTokens: number } | 'adaptive' | false;
}

/** USD per million tokens; reasoning tokens are billed as output. */
export interface Prices {
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface LlmSettings {
  provider: LlmProvider;
  /** The model name sent to the API (the `target` of the id). */
  model: string;
  /** openai and openai-compatible: Chat Completions or Responses; anthropic: Messages. */
  api: 'chat' | 'responses' | 'messages';
  /** null: the vendor's own endpoint. */
  baseURL: string | null;
  /** Env variable holding the API key; null: the server needs none (openai-compatible only). */
  apiKeyEnv: string | null;
  /** openai-compatible: an Azure-style endpoint's API version (key in `api-key`, `api-version` query); null: none. */
  apiVersion: string | null;
  sampling: Sampling;
  /** Longest wait for an answer's first byte (and, streamed, between two chunks). */
  timeoutMs: number;
  /** Retries by the vendor SDK of 408/409/429/5xx and connection failures (honouring Retry-After). */
  maxRetries: number;
  concurrency: number;
  /** Requests and tokens per minute; null: no limit of ours. */
  rpm: number | null;
  tpm: number | null;
  /** From config; null: the built-in table of plugin/generation/cost.ts decides (or cost is unknown). */
  prices: Prices | null;
  /** Absolute dir of prompt template overrides (laid out like prompts/), or null. */
  templatesDir: string | null;
}

export const LLM_DEFAULTS = {
  /** The SDKs' own default: reasoning models can think for minutes before the first byte. */
  timeoutMs: 600_000,
  maxRetries: 4,
  concurrency: 4,
  /** Anthropic requires max_tokens; this is its cap when the config sets none (plus the thinking budget). */
  anthropicMaxTokens: 8192,
} as const;

/**
 * auto: the security cases that have an audit detector (the task asks for the record); security: every security
 * case; all: every case; off: none (audit detectors then leave their case unjudged).
 */
export const AUDIT_MODES = ['auto', 'security', 'all', 'off'] as const;
export type AuditMode = (typeof AUDIT_MODES)[number];

export interface Limits {
  timeoutMs: number;
  cpuS: number;
  memoryMb: number;
  processes: number;
  openFiles: number;
  outputBytes: number;
  diskMb: number;
  /** Files and dirs per scratch tmpfs (work dir, /tmp); enforced where the host allows it (root). */
  diskInodes: number;
}

export interface Threshold {
  metric: string;
  model?: string;
  language?: LanguageName;
  min: number;
}

export interface RunConfig {
  file: string;
  dir: string;
  specGlobs: string[];
  suitesDir: string;
  languages: LanguageName[];
  models: ModelSpec[];
  n: number;
  k: number[];
  sandbox: { backend: 'bwrap' | 'docker' };
  limits: Limits;
  /** Which cases run under the syscall-level audit trace (docs/traces.md, "Audit mode"). */
  audit: AuditMode;
  /** USD the run may spend on LLM answers (null: no cap); past it, the samples left are reported as missing. */
  budgetUsd: number | null;
  resultsDir: string;
  cacheDir: string | null;
  thresholds: Threshold[];
  /** sha256 of the config file's bytes. */
  hash: string;
}

export interface SuiteSpec {
  name: string;
  file: string | null;
  specs: string[];
  languages?: LanguageName[];
  models?: string[];
}

export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 10_000,
  cpuS: 30,
  memoryMb: 512,
  processes: 64,
  openFiles: 256,
  outputBytes: 1 << 20,
  diskMb: 64,
  diskInodes: 8192,
};
