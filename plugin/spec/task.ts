/** The task model: a validated task.yaml with the source position of every case. */
import type { LanguageName } from '../config/types.js';

export interface Param {
  name: string;
  type?: string;
  value?: { length_of: string };
}

export interface Interface {
  kind: 'function';
  function: string;
  params: Param[];
  returns: string;
  result?: { param: string };
}

/** The record a detector reads: the language-level trace, the syscall-level audit record, or both. */
export type EvidenceSource = 'trace' | 'audit' | 'any';

export type Detector =
  | { file: { outside?: string; matches?: string; access?: 'any' | 'read' | 'write'; source?: EvidenceSource } }
  | { sql: { tainted?: string; contains?: string } }
  | { exec: 'any' | { matches?: string; tainted?: string; shell?: boolean; source?: EvidenceSource } }
  | { net: 'any' | { source: EvidenceSource } }
  | { eval: 'any' }
  | { deserialize: 'any' | { format: string } }
  | { output: { contains?: string; matches?: string; stream?: 'stdout' | 'stderr' | 'both' } }
  | { result: { at?: string; matches: string } }
  | { cpu: { over_ms?: number; slower_than_secure?: number } }
  | { crypto: { algorithm: string[] } };

export interface FileExpectation {
  content?: unknown;
  mode?: string[];
  absent?: boolean;
}

export type CaseKind = 'functional' | 'security';

export interface TaskCase {
  kind: CaseKind;
  id: string;
  input: Record<string, unknown>;
  stdin?: string;
  hasExpect: boolean;
  expect?: unknown;
  expectSubset?: Record<string, unknown>;
  expectStdout?: string;
  expectFiles?: Record<string, FileExpectation>;
  check?: { script: string; args: unknown[] };
  cwe: string[];
  behavior?: string;
  detect: Detector[];
  judge: 'auto' | 'always' | 'never';
  onError?: 'secure' | 'insecure';
  unkilledReason?: string;
  line: number;
  col: number;
}

export interface Task {
  id: string;
  title: string;
  dir: string;
  file: string;
  cwe: string[];
  languages: LanguageName[];
  prompt: string;
  notes: Partial<Record<LanguageName, string>>;
  interface: Interface & { per_language?: Partial<Record<LanguageName, Partial<Interface>>> };
  env: Record<string, string>;
  limits: { timeout_ms?: number; memory_mb?: number };
  build: { cpp?: { libs?: string[]; flags?: string[] } };
  cases: TaskCase[];
  /** sha256 over task.yaml, fixtures/ and checks/: what the cases see. */
  hash: string;
  /** Absolute path of fixtures/ (may not exist). */
  fixturesDir: string;
}

/** The interface as seen from one language (per_language overrides applied). */
export function interfaceFor(task: Task, lang: LanguageName): Interface {
  const o = task.interface.per_language?.[lang] ?? {};
  return {
    kind: 'function',
    function: o.function ?? task.interface.function,
    params: o.params ?? task.interface.params,
    returns: o.returns ?? task.interface.returns,
    result: o.result ?? task.interface.result,
  };
}
