/**
 * The generation service: runs in the main process, which alone holds the API keys, the per-provider limiters,
 * the budget and the progress; pool workers (whose env has no keys, pool/worker-env.ts) ask it for samples over a
 * unix socket in JSON lines (service-protocol.ts) with client.ts. What a request becomes is service-generator.ts.
 *
 *   const gen = await startGenerationService({ models, env: process.env, cache, budgetUsd, dir, loadTask, language });
 *   // workers get gen.socketPath in DUALGAUGE_GENERATION_SOCKET
 *   ...
 *   const stats = gen.stats();   // cost per model, missing samples
 *   await gen.close();
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { DualGaugeError } from '../errors.js';
import type { GenerationProgress, GenerationStats } from './service-ledger.js';
import { SampleGenerator, infoOf, type GeneratorOptions } from './service-generator.js';
import { LineSplitter, MAX_REQUEST_LINE_BYTES, parseClientLine, ProtocolError, type RequestId, type WireAnswer, type WireRequest } from './service-protocol.js';

export { GENERATION_SOCKET_ENV } from './service-protocol.js';
export type { GenerationProgress, GenerationStats, MissingSample, ModelStats } from './service-ledger.js';
export { ASSUMED_MAX_OUTPUT_TOKENS, type GeneratorOptions } from './service-generator.js';

export interface GenerationServiceOptions extends GeneratorOptions {
  /** A dir of ours (e.g. the run's temp dir); the socket goes into a new private (0700) dir inside it. */
  dir: string;
  /** Longest request line accepted (default MAX_REQUEST_LINE_BYTES). */
  maxLineBytes?: number;
}

export interface GenerationService {
  /** The socket the workers connect to. */
  socketPath: string;
  /** Say how many requests the run will make, for the done/total of progress. */
  announce(total: number): void;
  /** Listen to progress (in addition to `opts.onProgress`); returns the unsubscribe function. */
  onProgress(listener: (p: GenerationProgress) => void): () => void;
  stats(): GenerationStats;
  /** Stop listening, cancel every call in progress, drop the connections, remove the socket and its dir. */
  close(): Promise<void>;
}

/** sun_path is 108 bytes on Linux and 104 on macOS, the terminating NUL included. */
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

export async function startGenerationService(opts: GenerationServiceOptions): Promise<GenerationService> {
  const generator = new SampleGenerator(opts);
  const maxLine = opts.maxLineBytes ?? MAX_REQUEST_LINE_BYTES;

  // Node cannot read a unix socket peer's credentials (no SO_PEERCRED), so other users are kept out by the
  // filesystem: connect() needs search permission on every dir of the path, and this dir is ours alone (mkdtemp
  // creates it 0700 and new, so nobody can have planted a socket or a symlink in it beforehand).
  mkdirSync(opts.dir, { recursive: true });
  const privateDir = mkdtempSync(join(opts.dir, 'dg-gen-'));
  chmodSync(privateDir, 0o700);
  const socketPath = join(privateDir, 'gen.sock');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    rmSync(privateDir, { recursive: true, force: true });
    throw new DualGaugeError('DG_INTERNAL', `the generation socket path ${socketPath} is longer than the ${MAX_SOCKET_PATH} bytes a unix socket may have`, {
      hint: 'use a shorter temp dir (TMPDIR)',
    });
  }

  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => serve(socket));
  let closed = false;

  function serve(socket: Socket): void {
    connections.add(socket);
    const splitter = new LineSplitter(maxLine);
    /** This connection's requests still being answered, by id: aborting one cancels its part of the work. */
    const pending = new Map<RequestId, AbortController>();
    let broken = false;

    const send = (answer: WireAnswer) => {
      if (!socket.destroyed && !socket.writableEnded) socket.write(`${JSON.stringify(answer)}\n`);
    };
    const dropAll = (why: string) => {
      for (const c of pending.values()) c.abort(new Error(why));
      pending.clear();
    };
    // A broken client loses its connection (and its requests), never the service or the other workers.
    const fail = (message: string) => {
      if (broken) return;
      broken = true;
      dropAll(`protocol error: ${message}`);
      socket.end(`${JSON.stringify({ protocolError: message })}\n`, () => socket.destroy());
      // A peer that never reads must not keep the socket (and its buffers) forever.
      setTimeout(() => socket.destroy(), 2000).unref();
    };

    const start = (req: WireRequest) => {
      if (pending.has(req.id)) return fail(`request id ${String(req.id)} is already in use on this connection`);
      const controller = new AbortController();
      pending.set(req.id, controller);
      const { id, ...sample } = req;
      generator
        .generate(sample, controller.signal)
        .catch((e: unknown) => ({ status: 'error' as const, error: infoOf(e) }))
        .then((answer) => {
          if (pending.get(id) !== controller) return; // the connection went away meanwhile
          pending.delete(id);
          send({ ...answer, id });
        });
    };

    socket.on('data', (chunk: Buffer) => {
      if (broken) return;
      try {
        for (const line of splitter.push(chunk)) {
          if (broken) return;
          if (line.trim() === '') continue;
          const msg = parseClientLine(line);
          if ('cancel' in msg) pending.get(msg.cancel)?.abort(new Error('cancelled by the worker'));
          else start(msg);
        }
      } catch (e) {
        fail(e instanceof ProtocolError ? e.message : `could not read a request: ${(e as Error).message}`);
      }
    });
    // A worker that exits or crashes cancels what it asked for: nobody would read those answers.
    socket.on('close', () => {
      connections.delete(socket);
      dropAll('the worker disconnected');
    });
    socket.on('error', () => {
      // ECONNRESET from a dying worker; 'close' follows and cleans up.
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Belt and braces with the 0700 dir: Linux also requires write permission on the socket file to connect.
  chmodSync(socketPath, 0o600);
  server.on('error', () => {
    // Listening errors after start cannot happen on a bound unix socket; connection errors are per socket.
  });

  return {
    socketPath,
    announce: (total) => generator.announce(total),
    onProgress: (listener) => generator.onProgress(listener),
    stats: () => generator.stats(),
    async close() {
      if (closed) return;
      closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      generator.abortAll(new Error('the generation service is closing'));
      for (const s of connections) s.destroy();
      await stopped;
      rmSync(privateDir, { recursive: true, force: true });
    },
  };
}
