/**
 * Low-level HTTP plumbing shared by every endpoint: reading bodies, writing JSON and SSE frames, waiting without
 * outliving a client that hung up, and the two vendors' error JSON shapes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** True once the client is gone: nothing may be written after that, and pending work should stop. */
export function gone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded || res.socket === null || res.socket.destroyed;
}

/**
 * Wait `ms`, but resolve early (with false) if the client disconnects, so a timed-out client does not leave a
 * timer writing into a dead socket. `timers` lets the server cancel every pending wait when it closes.
 */
export function waitWhileConnected(res: ServerResponse, ms: number, timers: Set<NodeJS.Timeout>): Promise<boolean> {
  if (gone(res)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => finish(false);
    const timer = setTimeout(() => finish(!gone(res)), ms);
    timers.add(timer);
    function finish(alive: boolean) {
      clearTimeout(timer);
      timers.delete(timer);
      res.off('close', onClose);
      resolve(alive);
    }
    res.once('close', onClose);
  });
}

/** Write and wait until the bytes reached the socket, so a later destroy() cannot discard them. */
export function writeFlushed(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (gone(res)) return resolve();
    res.write(chunk, () => resolve());
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (gone(res)) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** One server-sent event. `event` is omitted for OpenAI Chat (data-only frames) and set for the typed streams. */
export interface SseFrame {
  event?: string;
  /** Already-serialized data (JSON text, or `[DONE]`). */
  data: string;
}

export function encodeFrame(frame: SseFrame): string {
  return (frame.event ? `event: ${frame.event}\n` : '') + `data: ${frame.data}\n\n`;
}

export function jsonFrame(data: unknown, event?: string): SseFrame {
  return event === undefined ? { data: JSON.stringify(data) } : { event, data: JSON.stringify(data) };
}

export function startSse(res: ServerResponse, headers: Record<string, string>): void {
  // No content-length: the body is chunked, so a connection destroyed mid-stream is visibly incomplete to the client.
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  res.flushHeaders();
}

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
export function openaiErrorBody(status: number, message: string, param: string | null = null): object {
  const [type, code] =
    status === 401 ? ['invalid_request_error', 'invalid_api_key']
    : status === 404 ? ['invalid_request_error', 'not_found']
    : status === 429 ? ['requests', 'rate_limit_exceeded']
    : status >= 500 ? ['server_error', null]
    : ['invalid_request_error', null];
  return { error: { message, type, param, code } };
}

/** Anthropic's error envelope: `{ type: 'error', error: { type, message }, request_id }`. */
export function anthropicErrorBody(status: number, message: string, requestId: string): object {
  const type =
    status === 401 ? 'authentication_error'
    : status === 403 ? 'permission_error'
    : status === 404 ? 'not_found_error'
    : status === 413 ? 'request_too_large'
    : status === 429 ? 'rate_limit_error'
    : status === 503 || status === 529 ? 'overloaded_error'
    : status >= 500 ? 'api_error'
    : 'invalid_request_error';
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** Split text into deltas of `size` code points (never halves of a surrogate pair). Empty text gives no delta. */
export function chunkText(text: string, size: number): string[] {
  const points = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < points.length; i += Math.max(1, size)) out.push(points.slice(i, i + Math.max(1, size)).join(''));
  return out;
}
