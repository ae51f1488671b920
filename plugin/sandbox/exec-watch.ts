/**
 * The host side of one exec, whatever started the process: wall timer, output cap, result channel (fd 3),
 * abort, and the ExecResult once every stdio pipe has closed. The bubblewrap backend and the benchmarks' bare
 * baseline (bench/bare-sandbox.mjs) share it, so the baseline pays the same bookkeeping as a real sandbox.
 */
import type { ChildProcess } from 'node:child_process';
import type { ExecHandle, ExecRequest, ExecResult, LimitHit } from './types.js';

/** Result channel cap: traces are bigger than stdout, but a flood must still stop. */
const CHANNEL_CAP = 64 << 20;

type LimitEvents = ExecResult['limitEvents'];

export interface WatchOptions {
  /** How the process ended: its 'close' (or a start failure), possibly observed before the exec was armed. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Cumulative limit counters (cgroups); zeros without. */
  limitEvents?: () => LimitEvents;
  /**
   * Once the process has closed: the backend's own reading of the end (a limit it enforced, signal names, an
   * audit log). Whatever it returns overrides the plain fields.
   */
  finish?: (end: { code: number | null; signal: NodeJS.Signals | null; limitHit: LimitHit | null; events: LimitEvents }) => Partial<ExecResult>;
}

const NO_EVENTS = (): LimitEvents => ({ oom: 0, pidsMax: 0 });

export function watchExec(child: ChildProcess, req: ExecRequest, opts: WatchOptions): ExecHandle {
  const l = req.limits;
  const limitEvents = opts.limitEvents ?? NO_EVENTS;
  const started = Date.now();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const chan: Buffer[] = [];
  let outBytes = 0;
  let chanBytes = 0;
  let limitHit: LimitHit | null = null;
  let aborted = false;
  const kill = (why: LimitHit | null) => {
    if (why && !limitHit) limitHit = why;
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  };
  let timer = setTimeout(() => kill('timeout'), l.timeoutMs);
  const onAbort = () => {
    aborted = true;
    kill(null);
  };
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const collect = (sink: Buffer[]) => (d: Buffer) => {
    const room = l.outputBytes - outBytes;
    if (room > 0) sink.push(d.subarray(0, room));
    outBytes += d.length;
    if (outBytes > l.outputBytes) kill('output');
  };
  child.stdout!.on('data', collect(out));
  child.stderr!.on('data', collect(err));
  const channel = child.stdio[3] as NodeJS.ReadableStream | null;
  channel?.on('data', (d: Buffer) => {
    chanBytes += d.length;
    if (chanBytes > CHANNEL_CAP) return kill('output');
    chan.push(d);
    req.onChannel?.(d);
  });
  channel?.on('error', () => {});
  const result = opts.closed.then(
    ({ code, signal }) => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      const events = limitEvents();
      const base: ExecResult = {
        exitCode: code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        channel: Buffer.concat(chan),
        limitHit,
        limitEvents: events,
        durationMs: Date.now() - started,
        aborted,
      };
      return { ...base, ...opts.finish?.({ code, signal, limitHit, events }) };
    },
    (e: unknown) => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
      throw e;
    },
  );
  return {
    result,
    resetTimer(ms: number) {
      clearTimeout(timer);
      timer = setTimeout(() => kill('timeout'), ms);
    },
    kill: () => kill(null),
    limitEvents,
  };
}
