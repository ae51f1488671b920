/** Cleanup entry points over scratch dirs and cgroups, for the pool, the CLI and exit handlers. */
import { removeCgroupsOfSync, sweepStaleCgroups } from './cgroup.js';
import { removeScratchOf, sweepStaleScratch } from './scratch.js';

/** Remove what ended processes (and killed runs) left. Never throws: cleanup must not fail a run. */
export async function sweepLeftovers(): Promise<void> {
  try {
    sweepStaleScratch();
    await sweepStaleCgroups();
  } catch {
    /* best effort; the next run sweeps again */
  }
}

/** Synchronous removal of what the given owners left (they were just killed, or this is their exit). */
export function removeOwnedSync(tags: string[]): void {
  try {
    removeScratchOf(tags);
    removeCgroupsOfSync(tags);
  } catch {
    /* best effort; the next run sweeps again */
  }
}
