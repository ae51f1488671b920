/**
 * The wire between pool workers and the generation service in the main process: JSON lines over a unix socket.
 * Shared by both ends (service.ts, client.ts) so they cannot disagree on a field.
 *
 *   worker → service   {"id":1,"model":"openai:gpt-5","taskId":"sql-order-search","language":"python","sampleIndex":0}
 *                      {"cancel":1}
 *   service → worker   {"id":1,"status":"ok","text":"...",...}     exactly one answer per request
 *                      {"protocolError":"..."}                     then the service closes that connection
 *
 * Keys, limiters and the budget stay in the main process; a worker only ever sees answers.
 */
import type { Usage } from './providers/types.js';

/** The env variable that carries the socket path to the pool workers (kept by worker-env.ts's allowlist). */
export const GENERATION_SOCKET_ENV = 'DUALGAUGE_GENERATION_SOCKET';

/** A request is a few short strings: anything longer is a broken or hostile client. */
export const MAX_REQUEST_LINE_BYTES = 64 * 1024;
/** An answer carries a model's whole text; generous, but still bounded so a broken service cannot exhaust a worker. */
export const MAX_ANSWER_LINE_BYTES = 64 * 1024 * 1024;

/** One sample of one model for one task and language. */
export interface SampleRequest {
  /** The model's id as in the config (`openai:gpt-5`). */
  model: string;
  taskId: string;
  language: string;
  sampleIndex: number;
  /** Ignore answers cached before this run (answers generated during this run are still reused). */
  bypassCache?: boolean;
}

export type RequestId = string | number;

export interface WireRequest extends SampleRequest {
  id: RequestId;
}

export interface WireCancel {
  cancel: RequestId;
}

export interface SampleErrorInfo {
  /** A ProviderError code (`DG_PROVIDER_SERVER`), a DualGaugeError code, or a `DG_GENERATION_*` code of the service. */
  code: string;
  message: string;
  hint?: string;
  /** May a later run succeed (a 429 or 5xx may; a 401, a bad template or an unknown model will not). */
  retryable: boolean;
  /** HTTP requests made before giving up, when a provider was called. */
  attempts?: number;
}

export interface SampleOk {
  status: 'ok';
  /** The raw answer (before extraction); null when the API returned no text at all. */
  text: string | null;
  refused: boolean;
  finish: string | null;
  usage: Usage | null;
  /** USD the answer cost when it was generated (null: unknown); a cached answer costs nothing now. */
  costUsd: number | null;
  /** No provider call was made for this request: a cache hit, or it shared an identical request's call. */
  cached: boolean;
  /** The model that answered, as the API named it. */
  model: string;
  /** HTTP requests this request caused (0 when cached). */
  attempts: number;
  ms: number;
}

export type SampleAnswer =
  | SampleOk
  | { status: 'error'; error: SampleErrorInfo }
  /** The model's API key env variable is not set: the model is skipped (the message names the variable). */
  | { status: 'skipped'; message: string }
  /** Not generated because of the run's budget: a missing sample, never a silent drop. */
  | { status: 'budget'; message: string }
  | { status: 'aborted' };

export type SampleStatus = SampleAnswer['status'];
export type WireAnswer = SampleAnswer & { id: RequestId };

export interface WireProtocolError {
  protocolError: string;
}

export class ProtocolError extends Error {}
ProtocolError.prototype.name = 'ProtocolError';

/**
 * Splits a byte stream into lines at `\n`. Splitting bytes rather than decoded text is safe for UTF-8 (a newline
 * byte never occurs inside a multi-byte character) and lets the size limit count bytes. Throws ProtocolError when a
 * line grows past `maxBytes`, before buffering more of it.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, nl));
      lines.push(Buffer.concat(this.parts, this.size).toString('utf8'));
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
    return lines;
  }

  private take(part: Buffer): void {
    this.size += part.length;
    if (this.size > this.maxBytes) throw new ProtocolError(`a line is longer than ${this.maxBytes} bytes`);
    this.parts.push(part);
  }
}

const isId = (v: unknown): v is RequestId =>
  (typeof v === 'string' && v.length > 0 && v.length <= 200) || (typeof v === 'number' && Number.isSafeInteger(v));

const REQUEST_KEYS = new Set(['id', 'model', 'taskId', 'language', 'sampleIndex', 'bypassCache']);

/** A line from a worker, checked field by field; throws ProtocolError naming what is wrong. */
export function parseClientLine(line: string): WireRequest | WireCancel {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    throw new ProtocolError(`not a JSON line: ${line.slice(0, 80)}`);
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) throw new ProtocolError('a message must be a JSON object');
  const m = msg as Record<string, unknown>;
  if ('cancel' in m) {
    if (!isId(m.cancel) || Object.keys(m).length !== 1) throw new ProtocolError('a cancel message is {"cancel": <request id>}');
    return { cancel: m.cancel };
  }
  // Both ends ship in one package: an unknown field is a bug to surface, not a version to tolerate.
  const extra = Object.keys(m).filter((k) => !REQUEST_KEYS.has(k));
  if (extra.length) throw new ProtocolError(`unknown field(s) in a request: ${extra.join(', ')}`);
  if (!isId(m.id)) throw new ProtocolError('a request needs an id (a non-empty string or an integer)');
  for (const k of ['model', 'taskId', 'language'] as const) {
    if (typeof m[k] !== 'string' || m[k] === '') throw new ProtocolError(`request ${String(m.id)}: ${k} must be a non-empty string`);
  }
  if (typeof m.sampleIndex !== 'number' || !Number.isSafeInteger(m.sampleIndex) || m.sampleIndex < 0) {
    throw new ProtocolError(`request ${String(m.id)}: sampleIndex must be an integer ≥ 0`);
  }
  if (m.bypassCache !== undefined && typeof m.bypassCache !== 'boolean') throw new ProtocolError(`request ${String(m.id)}: bypassCache must be a boolean`);
  return m as unknown as WireRequest;
}

const STATUSES: ReadonlySet<string> = new Set<SampleStatus>(['ok', 'error', 'skipped', 'budget', 'aborted']);

/** A line from the service; throws ProtocolError when it is neither an answer nor a protocol error. */
export function parseServiceLine(line: string): WireAnswer | WireProtocolError {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    throw new ProtocolError(`the generation service sent a line that is not JSON: ${line.slice(0, 80)}`);
  }
  const m = msg as Record<string, unknown> | null;
  if (m && typeof m === 'object' && typeof m.protocolError === 'string') return { protocolError: m.protocolError };
  if (!m || typeof m !== 'object' || !isId(m.id) || typeof m.status !== 'string' || !STATUSES.has(m.status)) {
    throw new ProtocolError(`the generation service sent something that is not an answer: ${line.slice(0, 80)}`);
  }
  return m as unknown as WireAnswer;
}
