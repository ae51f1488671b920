/**
 * The vocabulary of the fake LLM server: what a test scripts (answers and faults) and what the server records.
 * Answers are vendor-neutral; each endpoint module renders them in its own vendor's wire format, so one script
 * can drive the OpenAI Chat, OpenAI Responses and Anthropic Messages clients alike.
 */

/** The three HTTP APIs the server speaks. */
export type Endpoint = 'openai-chat' | 'openai-responses' | 'anthropic-messages';

/** Token counts as both vendors bill them: `output` includes `reasoning` (thinking) tokens. */
export interface FakeUsage {
  input?: number;
  output?: number;
  reasoning?: number;
}

/**
 * A successful (HTTP 200) answer. `{}` is an empty answer: no text at all.
 * - `text`: the visible answer (may hold code fences; it is sent verbatim).
 * - `refusal`: the model declines. OpenAI Chat puts it in `message.refusal` (content null), OpenAI Responses in a
 *   `refusal` content part, Anthropic sends it as the text with `stop_reason: 'refusal'`.
 * - `thinking`: reasoning the vendor exposes: an Anthropic `thinking` block, an OpenAI Responses `reasoning` item
 *   with a summary; OpenAI Chat exposes none, so there it only counts in `reasoning_tokens`.
 * - `finish`: why generation stopped, mapped per vendor ('length' = max tokens reached).
 * - `chunkSize`: characters per streamed delta (default 8), so tests see several deltas.
 * - `frameDelayMs`: pause between streamed frames, to test slow streams.
 */
export interface FakeAnswer {
  text?: string;
  refusal?: string;
  thinking?: string;
  finish?: 'stop' | 'length' | 'content_filter';
  usage?: FakeUsage;
  /** Model name echoed back; defaults to the request's `model`. */
  model?: string;
  chunkSize?: number;
  frameDelayMs?: number;
  /** Extra response headers (e.g. rate-limit headers a provider may read). */
  headers?: Record<string, string>;
}

/** An HTTP error response with the vendor-shaped error JSON. 429/5xx are what the SDKs retry. */
export interface HttpErrorFault {
  fault: 'http-error';
  status: number;
  message?: string;
  /** Sent as `retry-after` (seconds, may be fractional: the SDKs parse it with parseFloat). */
  retryAfterSeconds?: number;
  /** Sent as `retry-after-ms`, which both SDKs prefer over `retry-after`. */
  retryAfterMs?: number;
  headers?: Record<string, string>;
}

/** Hold the response (before any header) for `ms`, then serve `then`. Outlasting the client timeout is the point. */
export interface DelayFault {
  fault: 'delay';
  ms: number;
  then?: FakeAnswer | FakeFault;
}

/**
 * Send only the first `afterFrames` SSE frames of a streamed answer (default: half of them, at least one, never the
 * terminal one), then destroy the connection. A non-streaming request gets half its JSON body under a
 * content-length promising all of it.
 */
export interface TruncateFault {
  fault: 'truncate';
  afterFrames?: number;
  answer?: FakeAnswer;
}

/**
 * A body that is not JSON. Non-streaming: `status` (default 200) with `content-type: application/json` and a cut
 * JSON text, or with a 5xx an HTML page like a proxy would send. Streaming: one good frame, then a broken data line.
 */
export interface MalformedFault {
  fault: 'malformed';
  status?: number;
}

/** Reset the TCP connection (RST) as soon as the request has arrived, before any byte of response. */
export interface ResetFault {
  fault: 'reset';
}

export type FakeFault = HttpErrorFault | DelayFault | TruncateFault | MalformedFault | ResetFault;

/** What one request is answered with. */
export type FakeStep = FakeAnswer | FakeFault;

/** A step, or a function choosing the step from the request (e.g. to answer by prompt content). */
export type ScriptEntry = FakeStep | ((request: RecordedRequest) => FakeStep);

/** One request as received, recorded before it is answered. */
export interface RecordedRequest {
  /** 1-based arrival order across all endpoints. */
  seq: number;
  /** Date.now() when the body had arrived: the gaps between retries show which backoff the SDK used. */
  receivedAt: number;
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  query: string;
  endpoint: Endpoint | null;
  /** Lower-cased header names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** The key the client sent: OpenAI `Authorization: Bearer`, Anthropic `x-api-key` or `Authorization: Bearer`. */
  apiKey: string | undefined;
  rawBody: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: any;
  stream: boolean;
  /** How the server answered: 'answer', a fault name, or 'rejected: <why>' for a 4xx on a bad request. */
  outcome: string;
}

export interface FakeLlmServerOptions {
  /** When set, requests carrying another key get a 401 (to test key plumbing). Otherwise any non-empty key passes. */
  apiKey?: string;
  /**
   * Used when the script queue is empty. Default: a non-retryable 500 saying the script ran out, so a test that
   * makes more requests than it scripted fails loudly instead of getting made-up text.
   */
  fallback?: ScriptEntry;
}
