/**
 * The environment of a pool worker: an allowlist, not the host's env minus a blocklist. Vitest hands workers
 * its whole process.env (API keys, cloud credentials, tokens); a worker runs sandboxes and needs none of it.
 * Candidates get even less (run-candidate.ts candidateEnv); provider keys live only where providers are called.
 */

/** Host variables a worker keeps: locale, paths, terminal colours, CI detection and our own settings. */
const KEEP = /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|TERM|COLORTERM|NO_COLOR|FORCE_COLOR|CI|DUALGAUGE_[A-Z0-9_]+)$/;
/** What Vitest itself adds for its workers (resolveOptions in vitest's pool: TEST, VITEST, NODE_ENV, ...). */
const VITEST_OWN = /^(TEST|VITEST|VITEST_[A-Z_]+|NODE_ENV|FORCE_TTY)$/;

export function workerEnv(env: Partial<NodeJS.ProcessEnv>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (KEEP.test(k) || VITEST_OWN.test(k))) out[k] = v;
  }
  return out;
}
