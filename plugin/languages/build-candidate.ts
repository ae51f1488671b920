/** The compile step of compiled languages: once per candidate, in its own sandbox, into a host dir that later runs mount read-only. */
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { ownScratchDir } from '../sandbox/scratch.js';
import { join } from 'node:path';
import type { Limits } from '../config/types.js';
import { slotUid } from '../sandbox/bwrap.js';
import type { Sandbox } from '../sandbox/types.js';
import type { CandidateLayout, HarnessInput, Language } from './types.js';

export interface BuildResult {
  /** Host dir holding the build outputs (mount it at /sbx/build), or null when the build failed. */
  dir: string | null;
  failure: { message: string; log: string } | null;
  durationMs: number;
}

const LOG_CAP = 64 << 10;
const BUILD_DISK_MB = 256;
const BUILD_INODES = 8192;

export async function buildCandidate(language: Language, sandbox: Sandbox, layout: CandidateLayout, input: HarnessInput, limits: Limits, signal?: AbortSignal): Promise<BuildResult> {
  const plan = language.build!(input);
  // Under the worker's own scratch dir, so a killed worker's build dirs are swept like its sessions.
  const dir = mkdtempSync(join(ownScratchDir(), 'build-'));
  chmodSync(dir, 0o755);
  const owner = slotUid();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const session = sandbox.openSession();
  try {
    for (const [rel, data] of Object.entries(layout.files)) session.writeFile(`cand/${rel}`, data);
    for (const [rel, data] of Object.entries(plan.files)) session.writeFile(rel, data);
    session.mkdir('build');
    const res = await session.exec({
      argv: plan.argv,
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: '/tmp', ...plan.env },
      cwd: '/sbx/build',
      // The compiler's needs, not the candidate's limits: its temporary files (/tmp) can outgrow a tight disk_mb.
      limits: { ...limits, memoryMb: Math.max(limits.memoryMb, plan.memoryMb), timeoutMs: plan.timeoutMs, cpuS: Math.max(limits.cpuS, Math.ceil(plan.timeoutMs / 1000)), outputBytes: LOG_CAP, diskMb: Math.max(limits.diskMb, BUILD_DISK_MB), diskInodes: Math.max(limits.diskInodes, BUILD_INODES) },
      mounts: [{ host: dir, at: '/sbx/build', writable: true }],
      signal,
    }).result;
    const log = (res.stdout.toString('utf8') + res.stderr.toString('utf8')).slice(-LOG_CAP);
    if (res.exitCode === 0 && !res.limitHit) return { dir, failure: null, durationMs: res.durationMs };
    rmSync(dir, { recursive: true, force: true });
    const why = res.limitHit ? `the compiler hit the ${res.limitHit} limit` : `the compiler exited with ${res.exitCode ?? res.signal}`;
    return { dir: null, failure: { message: `${why}\n${log.slice(-4000)}`, log }, durationMs: res.durationMs };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    await session.close();
  }
}
