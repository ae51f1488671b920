/**
 * The fake LLM server: a loopback `node:http` server speaking the OpenAI Chat Completions, OpenAI Responses and
 * Anthropic Messages APIs, answering each accepted request with the next scripted step. It records every request,
 * refuses bad calls with the vendor's 400/401 JSON (without using up a step), and survives clients that hang up.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicMessages } from './anthropic-messages.js';
import { bearer, type EndpointSpec } from './endpoint.js';
import { openaiChat } from './openai-chat.js';
import { openaiResponses } from './openai-responses.js';
import { serveStep } from './respond.js';
import type { FakeFault, FakeLlmServerOptions, FakeStep, RecordedRequest, ScriptEntry } from './types.js';
import { anthropicErrorBody, gone, headerRecord, openaiErrorBody, readBody, sendJson } from './wire.js';

const ENDPOINTS: readonly EndpointSpec[] = [openaiChat, openaiResponses, anthropicMessages];

export interface FakeLlmServer {
  /** `http://127.0.0.1:<port>`: the Anthropic SDK's baseURL. */
  url: string;
  port: number;
  /** `url + '/v1'`: the OpenAI SDK's baseURL (it appends `/chat/completions`, `/responses`). */
  openaiBaseURL: string;
  /** Every request received, in arrival order, including refused ones and faults. */
  requests: RecordedRequest[];
  /** Bugs in the fake itself (a throw while answering); a healthy test leaves this empty. */
  errors: unknown[];
  /** Append steps to the queue; each accepted request takes the first one. */
  script(...entries: ScriptEntry[]): void;
  /** Put `n` copies of a fault in front of the queue: the next `n` accepted requests fail, later ones go on as scripted. */
  failNext(n: number, fault: FakeFault): void;
  /** What answers when the queue is empty (undefined restores the default "script exhausted" error). */
  setFallback(entry: ScriptEntry | undefined): void;
  /** Steps still queued. */
  pending(): number;
  /** Forget the queue and the recorded requests, e.g. between phases of one test. */
  reset(): void;
  /** Stop listening, cut open connections and cancel pending delays. */
  close(): Promise<void>;
}

/** The default fallback: a 500 the SDKs are told not to retry, naming the cause, so the test fails at once. */
const EXHAUSTED: FakeFault = {
  fault: 'http-error',
  status: 500,
  message: 'fake LLM server: no scripted step left for this request (script more, or set a fallback)',
  headers: { 'x-should-retry': 'false' },
};

export async function startFakeLlmServer(opts: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  const queue: ScriptEntry[] = [];
  const requests: RecordedRequest[] = [];
  const errors: unknown[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let fallback: ScriptEntry | undefined = opts.fallback;
  let seq = 0;

  function nextStep(record: RecordedRequest): { step: FakeStep; scripted: boolean } {
    const entry = queue.shift();
    const chosen = entry ?? fallback;
    if (chosen === undefined) return { step: EXHAUSTED, scripted: false };
    return { step: typeof chosen === 'function' ? chosen(record) : chosen, scripted: true };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = headerRecord(req);
    const rawBody = await readBody(req);
    let body: any;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    // Azure-style endpoints put the deployment in the path (`/deployments/<name>/chat/completions`).
    const route = url.pathname.replace(/^\/v1\/deployments\/[^/]+\//, '/v1/');
    const spec = ENDPOINTS.find((e) => e.path === route) ?? null;
    const record: RecordedRequest = {
      seq: ++seq,
      receivedAt: Date.now(),
      method: req.method ?? '',
      path: url.pathname,
      query: url.search,
      endpoint: spec?.name ?? null,
      headers,
      apiKey: spec ? spec.apiKey(headers) : (headers['x-api-key'] ?? bearer(headers)),
      rawBody,
      body,
      stream: spec !== null && typeof body === 'object' && body !== null && spec.isStream(body),
      outcome: 'pending',
    };
    requests.push(record);
    const requestId = `req_fake_${record.seq}`;

    // Refusals come in the order the real APIs check: route, auth, then the body. None of them takes a step.
    const refuse = (status: number, message: string, param?: string) => {
      record.outcome = `rejected: ${message}`;
      const errorBody =
        spec ? spec.errorBody(status, message, requestId, param)
        : url.pathname.startsWith('/v1/messages') ? anthropicErrorBody(status, message, requestId)
        : openaiErrorBody(status, message);
      sendJson(res, status, errorBody, { [spec?.requestIdHeader ?? 'x-request-id']: requestId });
    };
    if (!spec) return refuse(404, `Unknown request URL: ${req.method} ${url.pathname}.`);
    if (req.method !== 'POST') return refuse(405, `Method ${req.method} not allowed on ${url.pathname}.`);
    if (!record.apiKey) return refuse(401, 'Missing API key: send it in the Authorization header (or x-api-key for Anthropic).');
    if (opts.apiKey !== undefined && record.apiKey !== opts.apiKey) return refuse(401, 'Incorrect API key provided.');
    if (body === undefined) return refuse(400, 'We could not parse the JSON body of your request.');
    const rejection = spec.validate(body, headers);
    if (rejection) return refuse(400, rejection.message, rejection.param);

    const { step, scripted } = nextStep(record);
    record.outcome = !scripted ? 'unscripted' : 'fault' in step ? step.fault : 'answer';
    await serveStep({ req, res, spec, record, requestId, timers }, step);
  }

  const server = createServer((req, res) => {
    // A client that disconnects makes these emit; without listeners that would crash the test process.
    req.on('error', () => {});
    res.on('error', () => {});
    handle(req, res).catch((err: unknown) => {
      if (gone(res) || req.destroyed) return; // the client left mid-request: expected in timeout tests
      errors.push(err);
      if (!res.headersSent) sendJson(res, 500, openaiErrorBody(500, `fake LLM server bug: ${String(err)}`), { 'x-should-retry': 'false' });
      else res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    openaiBaseURL: `${url}/v1`,
    requests,
    errors,
    script: (...entries) => void queue.push(...entries),
    failNext: (n, fault) => void queue.unshift(...Array.from({ length: n }, () => fault)),
    setFallback: (entry) => void (fallback = entry),
    pending: () => queue.length,
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      // Keep-alive sockets from the SDKs' fetch would otherwise hold close() open.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `n` copies of a step, for `script(...times(2, fault), answer)`. */
export function times(n: number, step: FakeStep): FakeStep[] {
  return Array.from({ length: n }, () => step);
}
