/** The closed list of case outcomes (CONTRACTS.md). */
export const OUTCOMES = [
  'passed', 'failed', 'exception', 'crash', 'timeout', 'memory', 'processes', 'output', 'disk',
  'build-failed', 'startup-failed', 'not-ready', 'refusal', 'empty', 'no-code', 'no-sample', 'unjudged', 'infra-error',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type DecidedBy = 'expect' | 'detector' | 'judge';

/** Outcomes written on every case of a sample (the sample never ran its cases). */
export const SAMPLE_OUTCOMES: Outcome[] = ['refusal', 'empty', 'no-code', 'no-sample', 'build-failed', 'startup-failed', 'not-ready'];
