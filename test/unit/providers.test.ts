/**
 * The LLM providers (plugin/generation/providers) driven through the real SDKs against the loopback fake
 * (test/support/fake-llm-server.ts): answers, refusals, and every fault, for OpenAI Chat, OpenAI Responses and
 * Anthropic Messages alike. Counts of requests come from the fake's record, not from the provider's word.
 */
import { describe, expect, test } from 'vitest';
import type { LlmSettings, ModelSpec } from '../../plugin/config/types.js';
import { chatBody, responsesBody } from '../../plugin/generation/providers/openai.js';
import { messagesBody } from '../../plugin/generation/providers/anthropic.js';
import { createProvider, ProviderError, resolveModelKey, type GenerationResult } from '../../plugin/generation/providers/index.js';
import { backoffDelay } from '../../plugin/generation/providers/retry.js';
import { fakeLlmServerPerTest, startFakeLlmServer, times, type FakeLlmServer } from '../support/fake-llm-server.js';
import { llmModel } from '../support/llm-model.js';

const FENCED = 'Here you go:\n\n```python\ndef add(a, b):\n    return a + b\n```\n';
const REQ = { system: 'You write Python.', user: 'Write add(a, b).', sampleIndex: 0 };
const ENV = { TEST_KEY: 'sk-test-123' };

let llm: FakeLlmServer;
const fake = fakeLlmServerPerTest((server) => (llm = server));

/** A model spec aimed at the fake; short timeouts, few retries. */
function model(id: string, over: Partial<LlmSettings> = {}, server = () => llm): ModelSpec {
  return llmModel(id, { baseURL: id.startsWith('anthropic:') ? server().url : server().openaiBaseURL, ...over });
}

const never = () => new AbortController().signal;

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    (v) => {
      throw new Error(`expected a ProviderError, got an answer: ${JSON.stringify(v)}`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProviderError);
  return e as ProviderError;
}

const VARIANTS = [
  { name: 'OpenAI Chat', id: 'openai:gpt-fake', api: 'chat', path: '/v1/chat/completions' },
  { name: 'OpenAI Responses', id: 'openai:gpt-fake', api: 'responses', path: '/v1/responses' },
  { name: 'Anthropic Messages', id: 'anthropic:claude-fake', api: 'messages', path: '/v1/messages' },
] as const;

describe.each(VARIANTS)('$name', ({ id, api, path }) => {
  const spec = (over: Partial<LlmSettings> = {}) => model(id, { api, ...over });
  const provider = (over: Partial<LlmSettings> = {}, opts: { outerAttempts?: number; fetchTimeoutMs?: number } = {}) =>
    createProvider(spec(over), { env: ENV, backoffMs: 5, ...opts });

  test('a normal answer: text, usage, finish, model, one request with the system and user messages', async () => {
    llm.script({ text: FENCED, usage: { input: 12, output: 34, reasoning: 4 } });
    const r: GenerationResult = await provider().generate(REQ, never());
    expect(r).toMatchObject({ text: FENCED, refused: false, finish: 'stop', usage: { input: 12, output: 34, reasoning: 4 }, attempts: 1 });
    expect(r.model).toBe(id.split(':')[1]);
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(llm.requests).toHaveLength(1);
    const [req] = llm.requests;
    expect(req.path).toBe(path);
    expect(req.rawBody).toContain('You write Python.');
    expect(req.rawBody).toContain('Write add(a, b).');
    // Anthropic is streamed (see anthropic.ts), OpenAI is not (see openai.ts).
    expect(req.stream).toBe(api === 'messages');
  });

  test('a vendor refusal is an answer with refused: true, not an error', async () => {
    llm.script({ refusal: 'I cannot help with that.' });
    const r = await provider().generate(REQ, never());
    expect(r).toMatchObject({ refused: true, text: 'I cannot help with that.', finish: 'refusal' });
  });

  test('an answer cut by max tokens says finish: length', async () => {
    llm.script({ text: 'def add(a, b):', finish: 'length' });
    expect(await provider().generate(REQ, never())).toMatchObject({ text: 'def add(a, b):', refused: false, finish: 'length' });
  });

  test('an empty answer is an empty answer, not an error', async () => {
    llm.script({});
    const r = await provider().generate(REQ, never());
    expect(r.refused).toBe(false);
    expect(r.text ?? '').toBe('');
  });

  test('429 with retry-after: the SDK waits and retries, then the answer (3 requests)', async () => {
    llm.script(...times(2, { fault: 'http-error', status: 429, retryAfterMs: 30 }), { text: 'finally' });
    const r = await provider({ maxRetries: 2 }).generate(REQ, never());
    expect(r).toMatchObject({ text: 'finally', attempts: 3 });
    expect(llm.requests.map((q) => q.outcome)).toEqual(['http-error', 'http-error', 'answer']);
    expect(llm.requests[1].receivedAt - llm.requests[0].receivedAt).toBeGreaterThanOrEqual(25);
  });

  test('429 beyond max_retries: infra, retryable, with a hint about limits', async () => {
    llm.failNext(2, { fault: 'http-error', status: 429, retryAfterMs: 1 });
    const e = await failure(provider({ maxRetries: 1 }).generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_RATE_LIMITED', status: 429, retryable: true, attempts: 2 });
    expect(e.hint).toMatch(/concurrency|rpm/);
  });

  test('500 on every try exhausts the SDK retries: infra error, not retried again by us', async () => {
    llm.failNext(3, { fault: 'http-error', status: 500, retryAfterMs: 1 });
    const e = await failure(provider({ maxRetries: 2 }).generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_SERVER', status: 500, retryable: true, attempts: 3 });
    expect(llm.requests).toHaveLength(3);
  });

  test('400: infra with the vendor’s message, not retried', async () => {
    llm.script({ fault: 'http-error', status: 400, message: 'Unsupported value: reasoning_effort' });
    const e = await failure(provider().generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_REQUEST', status: 400, retryable: false });
    expect(e.message).toContain('Unsupported value: reasoning_effort');
    expect(llm.requests).toHaveLength(1);
  });

  test('a delay past timeout_ms: infra timeout error', async () => {
    llm.script({ fault: 'delay', ms: 2000, then: { text: 'too late' } });
    const e = await failure(provider({ maxRetries: 0, timeoutMs: 150 }).generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_TIMEOUT', retryable: true });
    expect(e.hint).toContain('timeout_ms');
  });

  test('aborting the signal stops a pending request at once', async () => {
    llm.script({ fault: 'delay', ms: 5000, then: { text: 'never read' } });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(new Error('test cancelled')), 100);
    const e = await failure(provider({ timeoutMs: 10_000 }).generate(REQ, ac.signal));
    expect(e).toMatchObject({ kind: 'aborted', code: 'DG_PROVIDER_ABORTED', retryable: false });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('aborting during a long Retry-After wait stops at once too (the SDK sleeps without looking at the signal)', async () => {
    llm.script({ fault: 'http-error', status: 429, retryAfterSeconds: 30 }, { text: 'never' });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 150);
    const e = await failure(provider({ maxRetries: 2 }).generate(REQ, ac.signal));
    expect(e.kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(llm.requests).toHaveLength(1);
  });

  test('an already aborted signal sends nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    expect((await failure(provider().generate(REQ, ac.signal))).kind).toBe('aborted');
    expect(llm.requests).toHaveLength(0);
  });

  test('a truncated response is retried by our layer, then the answer', async () => {
    llm.script({ fault: 'truncate', answer: { text: FENCED } }, { text: 'whole' });
    const r = await provider().generate(REQ, never());
    expect(r).toMatchObject({ text: 'whole', attempts: 2 });
    expect(llm.requests.map((q) => q.outcome)).toEqual(['truncate', 'answer']);
  });

  test('malformed JSON in a 200 is retried by our layer, then the answer', async () => {
    llm.script({ fault: 'malformed' }, { text: 'parsed' });
    expect(await provider().generate(REQ, never())).toMatchObject({ text: 'parsed', attempts: 2 });
  });

  test('malformed every time: infra error after our bound, never an empty answer', async () => {
    llm.script(...times(2, { fault: 'malformed' }));
    const e = await failure(provider({}, { outerAttempts: 2 }).generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_MALFORMED', retryable: true, attempts: 2 });
    expect(e.message).toContain('after 2 attempts');
    expect(llm.requests).toHaveLength(2);
  });

  test('truncated every time: infra error after our bound', async () => {
    llm.script(...times(3, { fault: 'truncate' }));
    const e = await failure(provider({}, { outerAttempts: 3 }).generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_TRUNCATED', attempts: 3 });
  });

  test('a connection reset is retried by the SDK', async () => {
    llm.script({ fault: 'reset' }, { text: 'reconnected' });
    expect(await provider({ maxRetries: 1 }).generate(REQ, never())).toMatchObject({ text: 'reconnected', attempts: 2 });
  });

  test('the key sent is the one in the env variable the model names', async () => {
    await fake.restart({ apiKey: 'the-right-key' });
    llm.script({ text: 'ok' });
    const good = createProvider(spec({ apiKeyEnv: 'MY_VENDOR_KEY' }), { env: { MY_VENDOR_KEY: 'the-right-key', TEST_KEY: 'wrong' } });
    expect((await good.generate(REQ, never())).text).toBe('ok');
    expect(llm.requests[0].apiKey).toBe('the-right-key');

    const bad = createProvider(spec({ apiKeyEnv: 'MY_VENDOR_KEY' }), { env: { MY_VENDOR_KEY: 'stale-key' } });
    const e = await failure(bad.generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_AUTH', status: 401, retryable: false });
    expect(e.hint).toContain('$MY_VENDOR_KEY');
    expect(llm.requests).toHaveLength(2); // a 401 is not retried
  });
});

describe('OpenAI specifics', () => {
  test('chat: seed + sample index, reasoning effort, max_completion_tokens; compatible servers get max_tokens', () => {
    const sampling = { temperature: 0.2, topP: 0.9, seed: 40, maxTokens: 900, reasoningEffort: 'low' as const };
    const openai = chatBody({ ...REQ, sampleIndex: 2 }, model('openai:gpt-x', { sampling }).llm!);
    expect(openai).toEqual({
      model: 'gpt-x',
      messages: [
        { role: 'system', content: REQ.system },
        { role: 'user', content: REQ.user },
      ],
      temperature: 0.2,
      top_p: 0.9,
      seed: 42,
      reasoning_effort: 'low',
      max_completion_tokens: 900,
    });
    const compatible = chatBody(REQ, model('openai-compatible:llama', { sampling: { maxTokens: 900 } }).llm!);
    expect(compatible.max_tokens).toBe(900);
    expect(compatible.max_completion_tokens).toBeUndefined();
  });

  test('responses: instructions + input, reasoning.effort, max_output_tokens, store: false', () => {
    const body = responsesBody(REQ, model('openai:gpt-x', { api: 'responses', sampling: { reasoningEffort: 'high', maxTokens: 500 } }).llm!);
    expect(body).toEqual({ model: 'gpt-x', instructions: REQ.system, input: REQ.user, store: false, reasoning: { effort: 'high' }, max_output_tokens: 500 });
  });

  test('the sampling settings reach the server', async () => {
    llm.script({ text: 'x' });
    await createProvider(model('openai:gpt-x', { sampling: { temperature: 0, seed: 7 } }), { env: ENV }).generate({ ...REQ, sampleIndex: 3 }, never());
    expect(llm.requests[0].body).toMatchObject({ model: 'gpt-x', temperature: 0, seed: 10 });
  });

  test('a content filter is a refusal', async () => {
    llm.script({ text: '', finish: 'content_filter' }, { text: '', finish: 'content_filter' });
    const chat = await createProvider(model('openai:gpt-x'), { env: ENV }).generate(REQ, never());
    expect(chat).toMatchObject({ refused: true, finish: 'content_filter' });
    const responses = await createProvider(model('openai:gpt-x', { api: 'responses' }), { env: ENV }).generate(REQ, never());
    expect(responses).toMatchObject({ refused: true, finish: 'content_filter' });
  });

  test('openai-compatible goes to its base_url, with no key when it names none', async () => {
    const other = await startFakeLlmServer();
    try {
      other.script({ text: 'from the local server' });
      const spec = model('openai-compatible:llama3.1:8b', { apiKeyEnv: null, baseURL: other.openaiBaseURL });
      expect(resolveModelKey(spec, {})).toEqual({ key: null });
      const r = await createProvider(spec, { env: {} }).generate(REQ, never());
      expect(r.text).toBe('from the local server');
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0].body.model).toBe('llama3.1:8b');
      expect(llm.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  test('openai-compatible: an unreachable base_url is a connection error naming it', async () => {
    const spec = model('openai-compatible:local', { apiKeyEnv: null, baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 });
    const e = await failure(createProvider(spec, { env: {} }).generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_CONNECTION', retryable: true });
    expect(e.message).toContain('http://127.0.0.1:9/v1');
  });
});

describe('Anthropic specifics', () => {
  test('thinking on with a budget, off, adaptive; output effort; max_tokens', () => {
    const body = (sampling: LlmSettings['sampling']) => messagesBody(REQ, model('anthropic:claude-x', { sampling }).llm!);
    expect(body({ maxTokens: 20_000, thinking: { budgetTokens: 8000 } })).toEqual({
      model: 'claude-x',
      max_tokens: 20_000,
      system: REQ.system,
      messages: [{ role: 'user', content: REQ.user }],
      thinking: { type: 'enabled', budget_tokens: 8000 },
    });
    expect(body({ thinking: false }).thinking).toEqual({ type: 'disabled' });
    expect(body({ thinking: 'adaptive' }).thinking).toEqual({ type: 'adaptive' });
    expect(body({ reasoningEffort: 'max' }).output_config).toEqual({ effort: 'max' });
    // Built without load-config: the default cap still leaves room above the budget.
    expect(body({ thinking: { budgetTokens: 4000 } }).max_tokens).toBe(8192 + 4000);
  });

  test('thinking text is not the answer; thinking tokens are reported as reasoning', async () => {
    llm.script({ text: FENCED, thinking: 'Add them.', usage: { input: 5, output: 50, reasoning: 20 } });
    const r = await createProvider(model('anthropic:claude-x', { sampling: { thinking: { budgetTokens: 2048 } } }), { env: ENV }).generate(REQ, never());
    expect(r).toMatchObject({ text: FENCED, usage: { input: 5, output: 50, reasoning: 20 } });
    expect(llm.requests[0].body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });

  test('a stream that goes silent mid-answer is aborted by our idle timer and retried', async () => {
    llm.script({ text: 'x'.repeat(80), chunkSize: 10, frameDelayMs: 600 }, { text: 'brisk' });
    const r = await createProvider(model('anthropic:claude-x', { timeoutMs: 200 }), { env: ENV, backoffMs: 5 }).generate(REQ, never());
    expect(r).toMatchObject({ text: 'brisk', attempts: 2 });
  });

  test('silent every time: infra STALLED after our bound', async () => {
    llm.script(...times(2, { text: 'x'.repeat(80), chunkSize: 10, frameDelayMs: 600 }));
    const e = await failure(createProvider(model('anthropic:claude-x', { timeoutMs: 200 }), { env: ENV, backoffMs: 5, outerAttempts: 2 }).generate(REQ, never()));
    expect(e).toMatchObject({ kind: 'infra', code: 'DG_PROVIDER_STALLED', retryable: true, attempts: 2 });
  });

  test('a slow but steady stream is not a stall', async () => {
    llm.script({ text: 'y'.repeat(40), chunkSize: 10, frameDelayMs: 60 });
    const r = await createProvider(model('anthropic:claude-x', { timeoutMs: 500 }), { env: ENV }).generate(REQ, never());
    expect(r).toMatchObject({ text: 'y'.repeat(40), attempts: 1 });
  });
});

describe('keys and construction', () => {
  test('a missing key is a skip with one line, never a crash', () => {
    const spec = model('openai:gpt-x', { apiKeyEnv: 'OPENAI_API_KEY' });
    expect(resolveModelKey(spec, {})).toEqual({ skip: expect.stringMatching(/^OPENAI_API_KEY is not set/) });
    expect(resolveModelKey(spec, { OPENAI_API_KEY: '  ' }).skip).toBeDefined();
    expect(resolveModelKey(spec, { OPENAI_API_KEY: 'sk-1' })).toEqual({ key: 'sk-1' });
    expect(resolveModelKey({ id: 'reference:secure', provider: 'reference', target: 'secure', label: 'r' }, {})).toEqual({ key: null });
  });

  test('createProvider without the key throws DG_PROVIDER_NO_KEY; a non-LLM spec is refused', () => {
    expect(() => createProvider(model('anthropic:claude-x', { apiKeyEnv: 'ANTHROPIC_API_KEY' }), { env: {} })).toThrow(
      expect.objectContaining({ code: 'DG_PROVIDER_NO_KEY' }),
    );
    expect(() => createProvider({ id: 'files:x', provider: 'files', target: 'x', label: 'x' }, { env: {} })).toThrow(ProviderError);
  });

  test('the provider never reads process.env: a key only there is not used', () => {
    process.env.DG_TEST_ONLY_IN_PROCESS_ENV = 'leaked';
    try {
      expect(resolveModelKey(model('openai:gpt-x', { apiKeyEnv: 'DG_TEST_ONLY_IN_PROCESS_ENV' }), {}).skip).toBeDefined();
    } finally {
      delete process.env.DG_TEST_ONLY_IN_PROCESS_ENV;
    }
  });

  test('our backoff doubles per attempt, with jitter between half and all of it, capped', () => {
    expect(backoffDelay(1, 1000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, () => 1)).toBe(4000);
    expect(backoffDelay(20, 1000, () => 1)).toBe(30_000);
  });
});

describe('Azure-style endpoints', () => {
  test('api_version: the key goes in the api-key header, the version in the api-version query parameter', async () => {
    llm.script({ text: FENCED });
    const p = createProvider(model('openai-compatible:my-deployment', { apiVersion: '2024-10-21' }), { env: ENV });
    const r = await p.generate(REQ, never());
    expect(r.text).toBe(FENCED);
    expect(llm.requests).toHaveLength(1);
    const [req] = llm.requests;
    expect(req.headers['api-key']).toBe(ENV.TEST_KEY);
    expect(req.headers.authorization).toBeUndefined();
    expect(req.query).toContain('api-version=2024-10-21');
    expect(req.path).toBe('/v1/deployments/my-deployment/chat/completions');
  });
});
