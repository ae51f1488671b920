/**
 * test/support/fake-llm-server.ts driven through the real `openai` and `@anthropic-ai/sdk` clients: what each SDK
 * makes of the fake's answers (text, streams, usage, refusals, thinking) and of its faults (429 and 5xx retries,
 * timeouts, truncated streams, malformed bodies, resets). If an SDK upgrade changes what it parses, this fails
 * before any provider built on the fake does.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, test } from 'vitest';
import { fakeLlmServerPerTest, times, type FakeLlmServer } from '../support/fake-llm-server.js';

const FENCED = 'Here is the function:\n\n```python\ndef add(a, b):\n    return a + b\n```\n';
const MODEL_OA = 'gpt-fake-1';
const MODEL_AN = 'claude-fake-1';

let llm: FakeLlmServer;
const fake = fakeLlmServerPerTest((server) => (llm = server));

/** SDK clients at the fake. Retries are off unless a test asks, so a fault is seen exactly once. */
const openai = (o: { maxRetries?: number; timeout?: number; apiKey?: string } = {}) =>
  new OpenAI({ apiKey: o.apiKey ?? 'test-key', baseURL: llm.openaiBaseURL, maxRetries: o.maxRetries ?? 0, timeout: o.timeout ?? 5000, logLevel: 'off' });
const anthropic = (o: { maxRetries?: number; timeout?: number } = {}) =>
  new Anthropic({ apiKey: 'test-key', baseURL: llm.url, maxRetries: o.maxRetries ?? 0, timeout: o.timeout ?? 5000, logLevel: 'off' });

const chat = (client: OpenAI) => client.chat.completions.create({ model: MODEL_OA, messages: [{ role: 'user', content: 'add two numbers' }] });
const chatStream = (client: OpenAI) =>
  client.chat.completions.create({ model: MODEL_OA, messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
const messages = (client: Anthropic) => client.messages.create({ model: MODEL_AN, max_tokens: 256, messages: [{ role: 'user', content: 'add two numbers' }] });
const messagesStream = (client: Anthropic) =>
  client.messages.create({ model: MODEL_AN, max_tokens: 256, messages: [{ role: 'user', content: 'hi' }], stream: true });

async function drain<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe('OpenAI Chat Completions', () => {
  test('non-streaming: text with code fences, usage, finish_reason; the request is recorded with its key', async () => {
    llm.script({ text: FENCED, usage: { input: 12, output: 34, reasoning: 4 } });
    const res = await chat(openai());
    expect(res.choices[0].message.content).toBe(FENCED);
    expect(res.choices[0].message.refusal).toBeNull();
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.model).toBe(MODEL_OA);
    expect(res.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 34, total_tokens: 46, completion_tokens_details: { reasoning_tokens: 4 } });

    expect(llm.requests).toHaveLength(1);
    const [req] = llm.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/chat/completions', endpoint: 'openai-chat', apiKey: 'test-key', stream: false, outcome: 'answer' });
    expect(req.headers.authorization).toBe('Bearer test-key');
    expect(req.body).toEqual({ model: MODEL_OA, messages: [{ role: 'user', content: 'add two numbers' }] });
  });

  test('streaming: deltas join to the text, then finish_reason, a usage-only chunk, and [DONE]', async () => {
    llm.script({ text: FENCED, usage: { input: 7, output: 9 }, chunkSize: 5 });
    const chunks = await drain(await chatStream(openai()));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(FENCED);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 });
    expect(llm.requests[0].stream).toBe(true);
  });

  test("the SDK's stream helper accumulates the same answer", async () => {
    llm.script({ text: FENCED, finish: 'length' });
    const stream = openai().chat.completions.stream({ model: MODEL_OA, messages: [{ role: 'user', content: 'hi' }] });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.content).toBe(FENCED);
    expect(final.choices[0].finish_reason).toBe('length');
  });

  test('a refusal arrives in message.refusal with null content, streamed as refusal deltas', async () => {
    llm.script({ refusal: "I can't help with that." }, { refusal: "I can't help with that." });
    const res = await chat(openai());
    expect(res.choices[0].message).toMatchObject({ content: null, refusal: "I can't help with that." });
    const chunks = await drain(await chatStream(openai()));
    expect(chunks.map((c) => c.choices[0]?.delta.refusal ?? '').join('')).toBe("I can't help with that.");
  });

  test('an empty answer is empty content', async () => {
    llm.script({});
    expect((await chat(openai())).choices[0].message.content).toBe('');
  });

  test('a call missing messages gets the 400 BadRequestError naming the parameter, and uses no step', async () => {
    llm.script({ text: 'kept for the next good call' });
    const bad = openai().chat.completions.create({ model: MODEL_OA } as never);
    await expect(bad).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(bad).rejects.toMatchObject({ status: 400, param: 'messages', type: 'invalid_request_error' });
    expect(llm.requests[0].outcome).toMatch(/^rejected: Missing required parameter: messages/);
    expect(llm.pending()).toBe(1);
    expect((await chat(openai())).choices[0].message.content).toBe('kept for the next good call');
  });

  test('stream_options without stream is refused like the real API', async () => {
    const bad = openai().chat.completions.create({ model: MODEL_OA, messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } });
    await expect(bad).rejects.toMatchObject({ status: 400, param: 'stream_options' });
  });
});

describe('OpenAI Responses', () => {
  const create = (client: OpenAI) => client.responses.create({ model: MODEL_OA, input: 'add two numbers', instructions: 'Answer with code.' });

  test('non-streaming: output_text from the message item, a reasoning item, usage', async () => {
    llm.script({ text: FENCED, thinking: 'The user wants addition.', usage: { input: 20, output: 30, reasoning: 6 } });
    const res = await create(openai());
    expect(res.output_text).toBe(FENCED);
    expect(res.status).toBe('completed');
    expect(res.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(res.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'The user wants addition.' }] });
    expect(res.usage).toMatchObject({ input_tokens: 20, output_tokens: 30, total_tokens: 50, output_tokens_details: { reasoning_tokens: 6 } });
    expect(res.instructions).toBe('Answer with code.');
    expect(llm.requests[0]).toMatchObject({ path: '/v1/responses', endpoint: 'openai-responses', apiKey: 'test-key' });
  });

  test('streaming (raw events): response.created first, text deltas, output_text.done, response.completed last', async () => {
    llm.script({ text: FENCED, usage: { input: 3, output: 4 } });
    const events = await drain(await openai().responses.create({ model: MODEL_OA, input: 'hi', stream: true }));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.output_text.done');
    const deltas = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : []));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(FENCED);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const last = events.at(-1);
    expect(last?.type === 'response.completed' && last.response.usage).toMatchObject({ input_tokens: 3, output_tokens: 4 });
  });

  test("streaming through the SDK's ResponseStream accumulator, with reasoning", async () => {
    llm.script({ text: FENCED, thinking: 'Plan: add.' });
    const stream = openai().responses.stream({ model: MODEL_OA, input: 'hi' });
    let seen = '';
    stream.on('response.output_text.delta', (e) => (seen += e.delta));
    const final = await stream.finalResponse();
    expect(seen).toBe(FENCED);
    expect(final.output_text).toBe(FENCED);
    expect(final.output[0]).toMatchObject({ type: 'reasoning', summary: [{ text: 'Plan: add.' }] });
  });

  test('a refusal is a refusal content part (output_text stays empty); max tokens ends incomplete', async () => {
    llm.script({ refusal: 'No.' }, { text: 'partial', finish: 'length' });
    const refused = await create(openai());
    expect(refused.output_text).toBe('');
    expect(refused.output[0]).toMatchObject({ type: 'message', content: [{ type: 'refusal', refusal: 'No.' }] });
    const cut = await create(openai());
    expect(cut).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output_text: 'partial' });
  });

  test('a streamed refusal arrives as refusal events', async () => {
    llm.script({ refusal: 'I must decline.' });
    const final = await openai().responses.stream({ model: MODEL_OA, input: 'hi' }).finalResponse();
    expect(final.output[0]).toMatchObject({ content: [{ type: 'refusal', refusal: 'I must decline.' }] });
  });

  test('a call without input gets a 400', async () => {
    await expect(openai().responses.create({ model: MODEL_OA } as never)).rejects.toMatchObject({ status: 400, param: 'input' });
  });
});

describe('Anthropic Messages', () => {
  test('non-streaming: thinking and text blocks, stop_reason, usage; key and version headers recorded', async () => {
    llm.script({ text: FENCED, thinking: 'Add them.', usage: { input: 11, output: 22, reasoning: 5 } });
    const res = await messages(anthropic());
    expect(res.content).toEqual([
      { type: 'thinking', thinking: 'Add them.', signature: expect.any(String) },
      { type: 'text', text: FENCED, citations: null },
    ]);
    expect(res.stop_reason).toBe('end_turn');
    expect(res.model).toBe(MODEL_AN);
    expect(res.usage).toMatchObject({ input_tokens: 11, output_tokens: 22 });
    const [req] = llm.requests;
    expect(req).toMatchObject({ path: '/v1/messages', endpoint: 'anthropic-messages', apiKey: 'test-key', outcome: 'answer' });
    expect(req.headers['anthropic-version']).toBeTruthy();
    expect(req.body).toMatchObject({ model: MODEL_AN, max_tokens: 256 });
  });

  test('streaming (raw events): message_start, block start/delta/stop, message_delta with usage, message_stop', async () => {
    llm.script({ text: FENCED, thinking: 'Think.', usage: { input: 5, output: 8 }, chunkSize: 6 });
    const events = await drain(await messagesStream(anthropic()));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const text = events.flatMap((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? [e.delta.text] : [])).join('');
    const thinking = events.flatMap((e) => (e.type === 'content_block_delta' && e.delta.type === 'thinking_delta' ? [e.delta.thinking] : [])).join('');
    expect(text).toBe(FENCED);
    expect(thinking).toBe('Think.');
    const delta = events.at(-2);
    expect(delta?.type === 'message_delta' && delta).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 8 } });
  });

  test("the SDK's MessageStream accumulates text, thinking, stop reason and usage", async () => {
    llm.script({ text: FENCED, thinking: 'Think.', usage: { input: 5, output: 8 } });
    const stream = anthropic().messages.stream({ model: MODEL_AN, max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] });
    let seen = '';
    stream.on('text', (t) => (seen += t));
    const final = await stream.finalMessage();
    expect(seen).toBe(FENCED);
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 5, output_tokens: 8 });
  });

  test("a refusal is stop_reason 'refusal' with stop_details, streamed or not; an empty answer has no blocks", async () => {
    llm.script({ refusal: 'I cannot help.' }, { refusal: 'I cannot help.' }, {});
    const res = await messages(anthropic());
    expect(res).toMatchObject({ stop_reason: 'refusal', stop_details: { type: 'refusal' }, content: [{ type: 'text', text: 'I cannot help.' }] });
    const final = await anthropic().messages.stream({ model: MODEL_AN, max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(final.stop_reason).toBe('refusal');
    expect((await messages(anthropic())).content).toEqual([]);
  });

  test('a call without max_tokens gets a 400 BadRequestError with the Anthropic error shape', async () => {
    const bad = anthropic().messages.create({ model: MODEL_AN, messages: [{ role: 'user', content: 'x' }] } as never);
    await expect(bad).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(bad).rejects.toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error' } } });
  });
});

describe('scripting and recording', () => {
  test('a script entry may be a function of the request; an unscripted request fails at once, unretried', async () => {
    llm.script((req) => ({ text: `you said: ${req.body.messages[0].content}` }));
    expect((await chat(openai())).choices[0].message.content).toBe('you said: add two numbers');
    const err = await chat(openai({ maxRetries: 2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(String(err)).toMatch(/no scripted step left/);
    expect(llm.requests.map((r) => r.outcome)).toEqual(['answer', 'unscripted']);
  });

  test('a fallback answers every request once the queue is empty; requests can be counted per endpoint', async () => {
    llm.setFallback({ text: 'default' });
    await chat(openai());
    await messages(anthropic());
    await messages(anthropic());
    expect(llm.requests.filter((r) => r.endpoint === 'anthropic-messages')).toHaveLength(2);
    llm.reset();
    expect(llm.requests).toHaveLength(0); // e.g. "a cached rerun makes zero requests"
  });

  test('a wrong key gets a 401 AuthenticationError when the server expects a specific key', async () => {
    await fake.restart({ apiKey: 'right-key' });
    llm.script({ text: 'ok' });
    await expect(chat(openai({ apiKey: 'wrong-key' }))).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(llm.requests[0].apiKey).toBe('wrong-key');
    expect((await chat(openai({ apiKey: 'right-key' }))).choices[0].message.content).toBe('ok');
  });
});

describe('faults', () => {
  test('429 with retry-after-ms is retried by the OpenAI SDK until it succeeds', async () => {
    llm.script({ text: 'finally' });
    llm.failNext(2, { fault: 'http-error', status: 429, retryAfterMs: 10 });
    const res = await chat(openai({ maxRetries: 2 }));
    expect(res.choices[0].message.content).toBe('finally');
    expect(llm.requests.map((r) => r.outcome)).toEqual(['http-error', 'http-error', 'answer']);
    expect(llm.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1', '2']);
  });

  test('429 with retry-after in seconds is retried by the Anthropic SDK after that long', async () => {
    // 0.6 s is longer than the SDK's own first backoff (at most 0.5 s), so the gap proves the header was obeyed.
    llm.script(...times(1, { fault: 'http-error', status: 429, retryAfterSeconds: 0.6 }), { text: 'ok' });
    expect((await messages(anthropic({ maxRetries: 2 }))).content).toEqual([{ type: 'text', text: 'ok', citations: null }]);
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1].receivedAt - llm.requests[0].receivedAt).toBeGreaterThanOrEqual(590);
  });

  test('429 beyond maxRetries surfaces as RateLimitError with the retry headers', async () => {
    llm.failNext(2, { fault: 'http-error', status: 429, retryAfterMs: 5, retryAfterSeconds: 1 });
    const err = await messages(anthropic({ maxRetries: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('1');
    expect(llm.requests).toHaveLength(2);
  });

  test('500 on every try exhausts the retries: InternalServerError with status 500', async () => {
    llm.failNext(3, { fault: 'http-error', status: 500, retryAfterMs: 1 });
    const err = await chat(openai({ maxRetries: 2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).toMatchObject({ status: 500, type: 'server_error' });
    expect(llm.requests).toHaveLength(3);
  });

  test('503 from Anthropic is a ServiceUnavailableError, and a later success is served normally', async () => {
    llm.script({ fault: 'http-error', status: 503, retryAfterMs: 1 }, { text: 'back' });
    const err = await messages(anthropic()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.InternalServerError);
    expect(err).toMatchObject({ status: 503, error: { error: { type: 'overloaded_error' } } });
    expect((await messages(anthropic())).content[0]).toMatchObject({ text: 'back' });
  });

  test('a delay past the client timeout is APIConnectionTimeoutError, and the server keeps serving', async () => {
    llm.script({ fault: 'delay', ms: 600, then: { text: 'too late' } }, { text: 'on time' });
    const err = await chat(openai({ timeout: 100 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect((await chat(openai({ timeout: 1000 }))).choices[0].message.content).toBe('on time');

    llm.script({ fault: 'delay', ms: 600 });
    await expect(messages(anthropic({ timeout: 100 }))).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  test('a short delay is just a slow answer; timeouts are retried like other connection failures', async () => {
    llm.script({ fault: 'delay', ms: 300 }, { fault: 'delay', ms: 20, then: { text: 'slow but fine' } });
    const res = await chat(openai({ timeout: 100, maxRetries: 1 }));
    expect(res.choices[0].message.content).toBe('slow but fine');
    expect(llm.requests).toHaveLength(2);
  });

  test('a truncated stream makes iteration throw, for all three APIs', async () => {
    llm.script({ fault: 'truncate' }, { fault: 'truncate', afterFrames: 3 }, { fault: 'truncate' });
    // undici reports the body cut short as `TypeError: terminated`; the SDKs pass it through rather than end quietly.
    let seen = '';
    const consume = async () => {
      for await (const c of await chatStream(openai())) seen += c.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toThrow(/terminated/);
    expect(seen.length).toBeGreaterThan(0); // the frames before the cut did arrive
    await expect(drain(await openai().responses.create({ model: MODEL_OA, input: 'hi', stream: true }))).rejects.toThrow(/terminated/);
    const stream = anthropic().messages.stream({ model: MODEL_AN, max_tokens: 9, messages: [{ role: 'user', content: 'hi' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/terminated/);
    expect(llm.requests.map((r) => r.outcome)).toEqual(['truncate', 'truncate', 'truncate']);
  });

  test('a truncated non-streaming body is an error too', async () => {
    llm.script({ fault: 'truncate', answer: { text: FENCED } });
    await expect(chat(openai())).rejects.toThrow(/terminated/);
  });

  test('a 200 with malformed JSON rejects (a SyntaxError, not an APIError); a malformed 502 is an APIError', async () => {
    llm.script({ fault: 'malformed' }, { fault: 'malformed' }, { fault: 'malformed', status: 502 });
    await expect(chat(openai())).rejects.toBeInstanceOf(SyntaxError);
    await expect(messages(anthropic())).rejects.toBeInstanceOf(SyntaxError);
    const err = await chat(openai()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 502 });
  });

  test('a malformed data line in a stream makes iteration throw', async () => {
    llm.script({ fault: 'malformed' }, { fault: 'malformed' }, { fault: 'malformed' });
    await expect(drain(await chatStream(openai()))).rejects.toBeInstanceOf(SyntaxError);
    await expect(drain(await openai().responses.create({ model: MODEL_OA, input: 'hi', stream: true }))).rejects.toBeInstanceOf(SyntaxError);
    await expect(drain(await messagesStream(anthropic()))).rejects.toBeInstanceOf(SyntaxError);
  });

  test('a connection reset is APIConnectionError, and is retried into a success', async () => {
    llm.script({ fault: 'reset' }, { fault: 'reset' }, { text: 'reconnected' });
    const err = await chat(openai()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(err).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const res = await messages(anthropic({ maxRetries: 1 }));
    expect(res.content[0]).toMatchObject({ text: 'reconnected' });
    expect(llm.requests).toHaveLength(3);
  });

  test('close() does not wait for a pending delay', async () => {
    llm.script({ fault: 'delay', ms: 60_000 });
    const pending = chat(openai({ timeout: 120_000 })).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await llm.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
