/** What the main process hands to workers (Vitest provide/inject): plain, serializable data. */
import type {} from 'vitest';
import type { RunConfig, SuiteSpec } from '../config/types.js';

export interface ProvidedRun {
  config: RunConfig;
  suite: SuiteSpec;
  runId: string;
  runDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    dualgauge: ProvidedRun;
  }
}
