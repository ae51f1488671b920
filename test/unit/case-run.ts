/** A CaseRun (what a harness reports for one case) with neutral defaults, for oracle tests. */
import type { CaseRun } from '../../plugin/languages/run-candidate.js';

export function caseRun(over: Partial<CaseRun> = {}): CaseRun {
  return {
    id: 'c',
    status: 'returned',
    resultText: 'null',
    error: null,
    stdout: '',
    stderr: '',
    stdoutBytes: 0,
    stderrBytes: 0,
    outputExceeded: false,
    cpuMs: 1,
    wallMs: 1,
    events: [],
    lines: [],
    files: {},
    ...over,
  };
}
