/**
 * Serving one scripted step on an accepted request: an answer (JSON or SSE) or a fault. Faults reuse the answer
 * renderers so a truncated or malformed response is the real wire format cut short, not an invented one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveAnswer, type EndpointSpec } from './endpoint.js';
import type { FakeAnswer, FakeStep, RecordedRequest } from './types.js';
import { encodeFrame, gone, sendJson, startSse, waitWhileConnected, writeFlushed } from './wire.js';

/** Everything about the request being answered. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  spec: EndpointSpec;
  record: RecordedRequest;
  requestId: string;
  /** The server's pending timers, cancelled when it closes. */
  timers: Set<NodeJS.Timeout>;
}

/** What a truncated answer looks like when the test did not say: long enough to stream in several deltas. */
const TRUNCATED_DEFAULT: FakeAnswer = { text: 'This answer is cut off long before it reaches its end.' };

export async function serveStep(ex: Exchange, step: FakeStep): Promise<void> {
  if (!('fault' in step)) return serveAnswer(ex, step, null);
  switch (step.fault) {
    case 'http-error': {
      const headers: Record<string, string> = { [ex.spec.requestIdHeader]: ex.requestId, ...step.headers };
      if (step.retryAfterSeconds !== undefined) headers['retry-after'] = String(step.retryAfterSeconds);
      if (step.retryAfterMs !== undefined) headers['retry-after-ms'] = String(step.retryAfterMs);
      const message = step.message ?? defaultMessage(step.status);
      return sendJson(ex.res, step.status, ex.spec.errorBody(step.status, message, ex.requestId), headers);
    }
    case 'delay':
      // Nothing is written while waiting, so a client timeout fires before headers, where the SDKs enforce it.
      if (await waitWhileConnected(ex.res, step.ms, ex.timers)) await serveStep(ex, step.then ?? {});
      return;
    case 'truncate':
      return serveAnswer(ex, step.answer ?? TRUNCATED_DEFAULT, step.afterFrames ?? -1);
    case 'malformed':
      return serveMalformed(ex, step.status ?? 200);
    case 'reset':
      // RST rather than FIN, so the client sees ECONNRESET: the harshest "connection dropped" there is.
      ex.req.socket.resetAndDestroy();
      return;
  }
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Rate limit reached for requests (fake). Please try again later.';
  if (status === 529 || status === 503) return 'Overloaded (fake).';
  if (status >= 500) return 'The server had an error while processing your request (fake).';
  return `Fake error with status ${status}.`;
}

/**
 * Serve an answer. `truncateAfter` null sends it whole; otherwise the connection is destroyed part-way: after that
 * many SSE frames (-1 = half of them), or after half of a JSON body.
 */
async function serveAnswer(ex: Exchange, answer: FakeAnswer, truncateAfter: number | null): Promise<void> {
  const { res, spec, record } = ex;
  const a = resolveAnswer(answer, record.body.model);
  const headers = { [spec.requestIdHeader]: ex.requestId, ...answer.headers };

  if (!record.stream) {
    const body = spec.json(a, record.body, `fake${record.seq}`);
    if (truncateAfter === null) return sendJson(res, 200, body, headers);
    const text = JSON.stringify(body);
    // The content-length promises the whole body, so the client knows the half it got is not all.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    await writeFlushed(res, text.slice(0, Math.floor(text.length / 2)));
    res.destroy();
    return;
  }

  const frames = spec.frames(a, record.body, `fake${record.seq}`);
  // Truncation keeps at least one frame and never sends the terminal one, so the stream is visibly unfinished.
  const limit =
    truncateAfter === null ? frames.length
    : Math.max(1, Math.min(frames.length - 1, truncateAfter < 0 ? Math.floor(frames.length / 2) : truncateAfter));
  startSse(res, headers);
  for (const [i, frame] of frames.slice(0, limit).entries()) {
    if (i > 0 && answer.frameDelayMs && !(await waitWhileConnected(res, answer.frameDelayMs, ex.timers))) return;
    if (gone(res)) return;
    await writeFlushed(res, encodeFrame(frame));
  }
  if (truncateAfter === null) res.end();
  else res.destroy();
}

/** A body that claims to be JSON and is not. */
async function serveMalformed(ex: Exchange, status: number): Promise<void> {
  const { res, spec, record } = ex;
  const headers = { [spec.requestIdHeader]: ex.requestId };
  if (!record.stream || status !== 200) {
    const text = '{"id": "broken", "object": ';
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
    return;
  }
  // Streamed: every frame up to the one before the terminal is sent, that one with its JSON cut in half (a named
  // event where the vendor names them, so the SDK does not skip it), then the stream ends cleanly.
  const frames = spec.frames(resolveAnswer({ text: 'A stream whose last data line is broken.' }, record.body.model), record.body, `fake${record.seq}`);
  const broken = frames[frames.length - 2];
  startSse(res, headers);
  for (const frame of frames.slice(0, frames.length - 2)) await writeFlushed(res, encodeFrame(frame));
  await writeFlushed(res, encodeFrame({ event: broken.event, data: broken.data.slice(0, Math.floor(broken.data.length / 2)) }));
  res.end();
}
