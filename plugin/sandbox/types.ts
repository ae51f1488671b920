/** The sandbox contract: a session owns a scratch dir; exec runs one command in a fresh, isolated process tree. */
import type { Limits } from '../config/types.js';

export interface Mount {
  /** Path on the host. */
  host: string;
  /** Path inside the sandbox. */
  at: string;
  writable?: boolean;
}

export interface ExecRequest {
  argv: string[];
  /** Environment of the sandboxed command: nothing of the host's env reaches it. */
  env: Record<string, string>;
  cwd: string;
  stdin?: string | Buffer;
  limits: Limits;
  /** Extra read-only mounts (besides the session's scratch dir at /sbx). */
  mounts?: Mount[];
  /**
   * Writable tmpfs dirs inside the sandbox (must exist as empty dirs under /sbx), capped in bytes and, where
   * the host allows it (root), in inodes; /tmp gets one of its own from the limits.
   */
  tmpfs?: { at: string; bytes: number; inodes?: number }[];
  /** Called with each chunk of the result channel (fd 3) as it arrives; lets the caller reset timers. */
  onChannel?: (chunk: Buffer) => void;
  /** Wall-time budget; the caller may extend it through the returned handle. */
  signal?: AbortSignal;
  /**
   * Record a syscall trace of the sandboxed process tree from outside it (audit mode, docs/traces.md): strace
   * runs on the host side of the sandbox, so the candidate can neither see, stop nor rewrite it.
   */
  audit?: boolean;
}

export type LimitHit = 'timeout' | 'memory' | 'processes' | 'output';

export interface ExecResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Bytes the harness wrote to fd 3 (untrusted: the candidate shares the harness's process). */
  channel: Buffer;
  /** A limit enforced from outside the sandbox, when one was hit. */
  limitHit: LimitHit | null;
  /** Final cgroup limit counters of the exec (zeros without cgroups); see ExecHandle.limitEvents. */
  limitEvents: { oom: number; pidsMax: number };
  durationMs: number;
  aborted: boolean;
  /** The raw strace log of an audited exec (capped; `auditTruncated` when it was cut). */
  audit?: Buffer;
  auditTruncated?: boolean;
}

/** How each limit is enforced on this host; printed in the run header and stored in the manifest. */
export interface LimitMechanisms {
  wall: string;
  cpu: string;
  memory: string;
  processes: string;
  openFiles: string;
  output: string;
  disk: string;
  inodes: string;
}

export interface ExecHandle {
  result: Promise<ExecResult>;
  /** Restart the wall timer (the harness announced a new case). */
  resetTimer(ms: number): void;
  /**
   * Cumulative limit events of this exec so far (cgroup counters; zeros without cgroups): read at a case's
   * start and end, they attribute a memory or process-limit hit to that case.
   */
  limitEvents(): { oom: number; pidsMax: number };
  kill(): void;
}

export interface Session {
  /** Host path of the scratch dir, mounted read-only at /sbx. */
  readonly dir: string;
  writeFile(rel: string, data: string | Buffer, mode?: number): void;
  mkdir(rel: string): void;
  exec(req: ExecRequest): ExecHandle;
  close(): Promise<void>;
}

export interface Sandbox {
  readonly backend: string;
  readonly mechanisms: LimitMechanisms;
  openSession(): Session;
}
