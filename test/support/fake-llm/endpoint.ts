/**
 * What every vendor endpoint module provides to the server, plus the vendor-neutral answer with defaults filled in
 * and the small request-validation helpers they share.
 */
import type { Endpoint, FakeAnswer } from './types.js';
import type { SseFrame } from './wire.js';

/** A FakeAnswer with every default decided, so renderers need no fallbacks of their own. */
export interface ResolvedAnswer {
  text: string;
  refusal: string | null;
  thinking: string | null;
  finish: 'stop' | 'length' | 'content_filter';
  usage: { input: number; output: number; reasoning: number };
  model: string;
  chunkSize: number;
}

/** Rough token estimate (~4 characters a token): deterministic, so tests may assert the defaults too. */
const tokens = (s: string | null) => (s ? Math.ceil(s.length / 4) : 0);

export function resolveAnswer(a: FakeAnswer, requestModel: string): ResolvedAnswer {
  const text = a.text ?? '';
  const refusal = a.refusal ?? null;
  const thinking = a.thinking ?? null;
  const reasoning = a.usage?.reasoning ?? tokens(thinking);
  return {
    text,
    refusal,
    thinking,
    finish: a.finish ?? 'stop',
    usage: {
      input: a.usage?.input ?? 10,
      output: a.usage?.output ?? tokens(text) + tokens(refusal) + reasoning,
      reasoning,
    },
    model: a.model ?? requestModel,
    chunkSize: a.chunkSize ?? 8,
  };
}

/** Why a request body would be refused by the real API (a 400), naming the parameter like the vendors do. */
export interface Rejection {
  message: string;
  param?: string;
}

export interface EndpointSpec {
  name: Endpoint;
  /** The request path, including the `/v1` prefix the SDKs add. */
  path: string;
  /** Header naming the request id in responses (each vendor has its own). */
  requestIdHeader: string;
  /** The API key the client sent, or undefined when none. */
  apiKey(headers: Record<string, string>): string | undefined;
  validate(body: any, headers: Record<string, string>): Rejection | null;
  isStream(body: any): boolean;
  /** The non-streaming response body. `id` is unique per request. */
  json(a: ResolvedAnswer, body: any, id: string): object;
  /** The streaming response as SSE frames, the terminal frame last (truncation never reaches it). */
  frames(a: ResolvedAnswer, body: any, id: string): SseFrame[];
  errorBody(status: number, message: string, requestId: string, param?: string): object;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The checks all three APIs share: a JSON object with a non-empty string `model`. */
export function checkModel(body: unknown): Rejection | null {
  if (!isObject(body)) return { message: 'The request body must be a JSON object.' };
  if (body.model === undefined) return { message: 'Missing required parameter: model.', param: 'model' };
  if (typeof body.model !== 'string' || body.model === '') return { message: 'Invalid value for model: expected a non-empty string.', param: 'model' };
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return { message: 'Invalid type for stream: expected a boolean.', param: 'stream' };
  return null;
}

/** `messages` must be a non-empty array of `{ role, content }` objects with an allowed role. */
export function checkMessages(messages: unknown, roles: readonly string[]): Rejection | null {
  if (messages === undefined) return { message: 'Missing required parameter: messages.', param: 'messages' };
  if (!Array.isArray(messages) || messages.length === 0) return { message: 'messages must be a non-empty array.', param: 'messages' };
  for (const [i, m] of messages.entries()) {
    if (!isObject(m)) return { message: `messages[${i}] must be an object.`, param: `messages[${i}]` };
    if (typeof m.role !== 'string' || !roles.includes(m.role)) {
      return { message: `messages[${i}].role must be one of ${roles.join(', ')}.`, param: `messages[${i}].role` };
    }
    const c = m.content;
    const ok = typeof c === 'string' || Array.isArray(c) || (c === null && m.role === 'assistant');
    if (!ok) return { message: `messages[${i}].content must be a string or an array of content parts.`, param: `messages[${i}].content` };
  }
  return null;
}

export function checkPositiveInt(body: Record<string, unknown>, key: string, required: boolean): Rejection | null {
  const v = body[key];
  if (v === undefined) return required ? { message: `Missing required parameter: ${key}.`, param: key } : null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return { message: `${key} must be a positive integer.`, param: key };
  return null;
}

/** `Authorization: Bearer <key>` → `<key>`. */
export function bearer(headers: Record<string, string>): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(headers['authorization'] ?? '');
  return m ? m[1].trim() : undefined;
}
