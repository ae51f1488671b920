/**
 * The language contract. A language says how a candidate is laid out, how it is built (if at all), and
 * which harness runs all of a candidate's cases in one sandboxed process. Everything else (sandboxing,
 * restarts after a killed case, oracles) is language-neutral. See docs/languages.md.
 */
import type { LanguageName } from '../config/types.js';
import type { Interface } from '../spec/task.js';

export interface ToolchainInfo {
  /** Versions of the interpreter/compiler and of every package a candidate may use (cache key + manifest). */
  versions: Record<string, string>;
}

/** One case as the harness sees it: arguments and what to report — never expected values. */
export interface HarnessCase {
  id: string;
  args: unknown[];
  stdin?: string;
  /** Paths (relative to the working dir) whose state is reported after the call. */
  files: string[];
}

export interface HarnessInput {
  itf: Interface;
  cases: HarnessCase[];
  /** Inside the sandbox: the dir holding the candidate's files, and its main file. */
  candDir: string;
  candFile: string;
  outputCap: number;
  /** The task's build settings for this language (`build: {cpp: {libs, flags}}`). */
  build?: { libs?: string[]; flags?: string[] };
  /** Audit mode: the prefix of the marker paths the harness touches around each window (languages/audit.ts). */
  audit?: string | null;
  /** Benchmarking only (bench/sandbox.mjs): the language-level trace hooks and per-case coverage; default both on. */
  instrument?: { trace: boolean; coverage: boolean };
}

export interface HarnessPlan {
  /** Files to write under /sbx (relative paths), e.g. harness/harness.py. */
  files: Record<string, string>;
  argv: string[];
  env: Record<string, string>;
  /** JSON sent on the harness's stdin (cases + nonce); never written to disk inside the sandbox. */
  stdin: string;
  /** Read-only host dirs the harness needs (e.g. the JavaScript runtime's node_modules); mount points must be under /sbx. */
  mounts?: { host: string; at: string }[];
}

/** The candidate's files as the sandbox holds them, and which one is the entry point. */
export interface CandidateLayout {
  files: Record<string, string | Buffer>;
  mainFile: string;
}

/** A compile step, run once per candidate in its own sandbox; outputs go to /sbx/build. */
export interface BuildPlan {
  /** Files to write under /sbx (not under /sbx/build, the output dir). */
  files: Record<string, string | Buffer>;
  argv: string[];
  env: Record<string, string>;
  /** Memory and time a compiler needs, which candidates' limits would not give it. */
  memoryMb: number;
  timeoutMs: number;
}

export interface Language {
  name: LanguageName;
  /** File extension of a single-file candidate (`py`, `js`, `cpp`). */
  ext: string;
  /** Name of the candidate's main file inside the candidate dir (before `layout`). */
  mainFile: string;
  /** `distinct`: the language keeps int and float apart (Python, C++); `numeric`: it does not (JavaScript). */
  numbers: 'distinct' | 'numeric';
  /** Optional: rename or add files (e.g. an ES module becomes solution.mjs). Default: as given. */
  layout?(files: Record<string, string | Buffer>): CandidateLayout;
  /** Optional compile step (C++): a non-zero exit is `build-failed` with the compiler's output as evidence. */
  build?(input: HarnessInput): BuildPlan;
  toolchain(): ToolchainInfo;
  /** sha256 of everything of ours that runs in the sandbox (templates, hooks): part of the cache key. */
  harnessHash(): string;
  harness(input: HarnessInput, nonce: string): HarnessPlan;
}
