/**
 * The pool worker's side of the generation service (service.ts): one unix socket connection per worker, opened
 * on the first request, with any number of requests multiplexed on it by id. A test's AbortSignal cancels its
 * request in the service too. A connection that breaks fails the requests waiting on it with
 * GenerationUnavailableError (an infra failure, never a made-up answer); the next request connects again.
 */
import { createConnection, type Socket } from 'node:net';
import { GENERATION_SOCKET_ENV, LineSplitter, MAX_ANSWER_LINE_BYTES, parseServiceLine, ProtocolError, type SampleAnswer, type SampleRequest } from './service-protocol.js';

export { GENERATION_SOCKET_ENV, type SampleAnswer, type SampleErrorInfo, type SampleOk, type SampleRequest } from './service-protocol.js';

/** The service cannot be reached or broke off: the sample is an infra failure, not an answer. */
export class GenerationUnavailableError extends Error {
  readonly code = 'DG_GENERATION_UNAVAILABLE';
  readonly kind = 'infra';
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
  }
}
GenerationUnavailableError.prototype.name = 'GenerationUnavailableError';

export interface GenerationClient {
  /** Ask for one sample. Resolves with the service's answer (`aborted` at once when `signal` fires); rejects only with GenerationUnavailableError. */
  request(req: SampleRequest, signal?: AbortSignal): Promise<SampleAnswer>;
  /** Close the connection; requests still waiting fail, and the service cancels their calls. */
  close(): void;
}

interface Waiting {
  resolve: (a: SampleAnswer) => void;
  reject: (e: Error) => void;
  /** Detach the abort listener. */
  detach: () => void;
}

interface Connection {
  socket: Socket;
  pending: Map<number, Waiting>;
  failed: boolean;
}

export function connectGeneration(socketPath: string, opts: { maxLineBytes?: number } = {}): GenerationClient {
  let conn: Connection | null = null;
  let closed = false;
  let nextId = 0;

  // An idle connection must not keep a worker alive; one with requests waiting must.
  const refresh = (c: Connection) => (c.pending.size ? c.socket.ref() : c.socket.unref());

  /** Fail every request of `c` and forget it; the next request opens a new connection. */
  const breakOff = (c: Connection, why: string, cause?: unknown) => {
    if (c.failed) return;
    c.failed = true;
    if (conn === c) conn = null;
    const err = () => new GenerationUnavailableError(`generation service at ${socketPath}: ${why}`, { cause });
    for (const w of c.pending.values()) {
      w.detach();
      w.reject(err());
    }
    c.pending.clear();
    c.socket.destroy();
  };

  const open = (): Connection => {
    const socket = createConnection(socketPath);
    const c: Connection = { socket, pending: new Map(), failed: false };
    const splitter = new LineSplitter(opts.maxLineBytes ?? MAX_ANSWER_LINE_BYTES);
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const line of splitter.push(chunk)) {
          if (line.trim() === '') continue;
          const msg = parseServiceLine(line);
          if ('protocolError' in msg) return breakOff(c, `the service refused this connection: ${msg.protocolError}`);
          const { id, ...answer } = msg;
          const w = typeof id === 'number' ? c.pending.get(id) : undefined;
          // An answer for a request already cancelled here (the service confirms cancels): nothing waits for it.
          if (!w) continue;
          c.pending.delete(id as number);
          w.detach();
          w.resolve(answer as SampleAnswer);
          refresh(c);
        }
      } catch (e) {
        breakOff(c, e instanceof ProtocolError ? e.message : `unreadable answer (${(e as Error).message})`, e);
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? `cannot connect (${e.code}): the service is not running (the benchmark's main process starts it)`
        : `connection failed (${e.code ?? e.message})`;
      breakOff(c, why, e);
    });
    socket.on('close', () => breakOff(c, 'the connection closed (the main process stopped the service, or it crashed)'));
    return c;
  };

  return {
    request(req, signal) {
      if (closed) return Promise.reject(new GenerationUnavailableError(`generation client for ${socketPath} is closed`));
      if (signal?.aborted) return Promise.resolve({ status: 'aborted' });
      const c = (conn ??= open());
      const id = ++nextId;
      return new Promise<SampleAnswer>((resolve, reject) => {
        const onAbort = () => {
          if (!c.pending.delete(id)) return;
          // Tell the service to stop working on it; our caller does not wait for the confirmation.
          if (!c.failed) c.socket.write(`${JSON.stringify({ cancel: id })}\n`);
          resolve({ status: 'aborted' });
          refresh(c);
        };
        const detach = () => signal?.removeEventListener('abort', onAbort);
        signal?.addEventListener('abort', onAbort, { once: true });
        c.pending.set(id, { resolve, reject, detach });
        refresh(c);
        // Written before the connection is up, it is buffered by the socket and sent once connected.
        // Only the protocol's fields: the service refuses unknown ones, which would cost the whole connection.
        const wire = { id, model: req.model, taskId: req.taskId, language: req.language, sampleIndex: req.sampleIndex, bypassCache: req.bypassCache };
        c.socket.write(`${JSON.stringify(wire)}\n`);
      });
    },
    close() {
      closed = true;
      if (conn) breakOff(conn, 'the client was closed');
    },
  };
}

/** The client for the socket the main process passed in DUALGAUGE_GENERATION_SOCKET. */
export function connectGenerationFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): GenerationClient {
  const path = env[GENERATION_SOCKET_ENV];
  if (!path) {
    throw new GenerationUnavailableError(`${GENERATION_SOCKET_ENV} is not set: this worker was not started by a run with LLM models (the plugin starts the generation service and passes its socket)`);
  }
  return connectGeneration(path);
}
