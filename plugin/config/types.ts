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
}

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
