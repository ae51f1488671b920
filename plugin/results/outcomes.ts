/** The closed list of case outcomes (CONTRACTS.md). */
export const OUTCOMES = [
  'passed', 'failed', 'exception', 'crash', 'timeout', 'memory', 'processes', 'output', 'disk',
  'build-failed', 'startup-failed', 'not-ready', 'refusal', 'empty', 'no-code', 'no-sample', 'unjudged', 'infra-error',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type DecidedBy = 'expect' | 'detector' | 'judge';
