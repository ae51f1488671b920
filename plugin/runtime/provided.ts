/** What the main process hands to workers (Vitest provide/inject): plain, serializable data. */
import type {} from 'vitest';
import type { RunConfig, SuiteSpec } from '../config/types.js';

export interface ProvidedRun {
  config: RunConfig;
  suite: SuiteSpec;
  runId: string;
  runDir: string;
  /**
   * The main process's generation service (plugin/generation/service.ts), when the run has LLM models: the
   * socket workers ask for samples on (API keys stay in the main process), and the models skipped for a
   * missing key, with the line saying why.
   */
  generation: { socket: string; skipped: Record<string, string> } | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    dualgauge: ProvidedRun;
  }
}
