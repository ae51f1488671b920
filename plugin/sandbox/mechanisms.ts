/** How limits are enforced on this host, without creating a sandbox (for the manifest and run header). */
import { detectCgroups } from './cgroup.js';
import { INODE_CAPS, slotUid } from './bwrap.js';
import type { LimitMechanisms } from './types.js';

export function workerSandboxMechanisms(): LimitMechanisms {
  const cg = detectCgroups();
  const owner = slotUid() ?? (process.getuid?.() === 0 ? { uid: 0 } : null);
  const scratch = INODE_CAPS ? 'tmpfs mounted in the sandbox\'s own mount namespace' : 'bwrap --size tmpfs';
  return {
    wall: 'SIGKILL of the bwrap process (pid namespace + --die-with-parent take the tree)',
    cpu: 'RLIMIT_CPU per harness process',
    memory: cg?.memoryRoot ? `cgroup ${cg.version} memory limit` : 'RLIMIT_AS',
    processes: cg?.pidsRoot ? `cgroup ${cg.version} pids.max` : owner ? 'RLIMIT_NPROC with a per-slot uid' : 'RLIMIT_NPROC (shared with your uid)',
    openFiles: 'RLIMIT_NOFILE',
    output: 'byte counter on stdout+stderr (SIGKILL past the cap); per-case capture in a size-capped tmpfs',
    disk: `size-capped ${scratch} for the work dir, /sbx/out and /tmp, plus RLIMIT_FSIZE`,
    inodes: INODE_CAPS ? `nr_inodes of the ${scratch}` : 'not enforced (needs root: bwrap has no inode option); memory limit is the backstop',
  };
}
