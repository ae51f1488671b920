/**
 * plugin/generation/service.ts and client.ts: the main process's generation service over a unix socket, with the
 * real providers (real SDKs) against the loopback fake LLM server. HTTP request counts come from the fake's record.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { LanguageName, LlmSettings, ModelSpec } from '../../plugin/config/types.js';
import { connectGeneration, GenerationUnavailableError, type GenerationClient, type SampleAnswer, type SampleRequest } from '../../plugin/generation/client.js';
import { GenerationCache } from '../../plugin/generation/generation-cache.js';
import { renderPrompt } from '../../plugin/generation/prompt.js';
import { startGenerationService, type GenerationProgress, type GenerationService, type GenerationServiceOptions } from '../../plugin/generation/service.js';
import { getLanguage } from '../../plugin/languages/index.js';
import { python } from '../../plugin/languages/python/index.js';
import { packageFile } from '../../plugin/paths.js';
import { loadTask } from '../../plugin/spec/load-task.js';
import type { Task } from '../../plugin/spec/task.js';
import { startFakeLlmServer, type FakeLlmServer } from '../support/fake-llm-server.js';
import { llmModel } from '../support/llm-model.js';

const TASK = 'sql-order-search';
const FENCED = '```python\ndef search_orders(db_path, field, value):\n    return []\n```\n';
const ENV = { TEST_KEY: 'sk-test-123' };
const GPT = 'openai:gpt-fake';

const tasks = new Map<string, Task>();
function taskById(id: string): Task {
  let t = tasks.get(id);
  if (!t) tasks.set(id, (t = loadTask(packageFile(`specs/${id}/task.yaml`))));
  return t;
}

let llm: FakeLlmServer;
let root: string;
let cacheDir: string;
const services: GenerationService[] = [];
const clients: GenerationClient[] = [];

beforeEach(async () => {
  llm = await startFakeLlmServer();
  root = mkdtempSync(join(tmpdir(), 'dg-gensvc-'));
  cacheDir = join(root, 'cache');
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of services.splice(0)) await s.close();
  expect(llm.errors).toEqual([]);
  await llm.close();
  rmSync(root, { recursive: true, force: true });
});

/** A model spec aimed at the fake; no SDK retries. */
function model(id: string, over: Partial<LlmSettings> = {}): ModelSpec {
  return llmModel(id, { baseURL: id.startsWith('anthropic:') ? llm.url : llm.openaiBaseURL, timeoutMs: 5000, maxRetries: 0, ...over });
}

async function start(models: ModelSpec[], over: Partial<GenerationServiceOptions> = {}): Promise<GenerationService> {
  const svc = await startGenerationService({
    models,
    env: ENV,
    cache: new GenerationCache(cacheDir),
    dir: join(root, 'run'),
    loadTask: taskById,
    language: (name) => getLanguage(name as LanguageName),
    providerOptions: { backoffMs: 5 },
    ...over,
  });
  services.push(svc);
  return svc;
}

function client(svc: GenerationService): GenerationClient {
  const c = connectGeneration(svc.socketPath);
  clients.push(c);
  return c;
}

const sample = (over: Partial<SampleRequest> = {}): SampleRequest => ({ model: GPT, taskId: TASK, language: 'python', sampleIndex: 0, ...over });

function ok(a: SampleAnswer): Extract<SampleAnswer, { status: 'ok' }> {
  if (a.status !== 'ok') throw new Error(`expected an ok answer, got ${JSON.stringify(a)}`);
  return a;
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw connection to the service: what it sends back until it closes. */
function raw(path: string): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = createConnection(path);
  let data = '';
  socket.on('data', (d) => (data += d.toString('utf8')));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return { socket, received: () => data, closed };
}

describe('cache', () => {
  test('a request generates once; the same request again, from another client or another run, makes no HTTP request', async () => {
    llm.script({ text: FENCED, usage: { input: 100, output: 20 } });
    const svc = await start([model(GPT)]);
    const first = ok(await client(svc).request(sample()));
    expect(first).toMatchObject({ text: FENCED, refused: false, finish: 'stop', usage: { input: 100, output: 20 }, cached: false, attempts: 1, model: 'gpt-fake' });
    expect(llm.requests).toHaveLength(1);
    // The prompt sent is the rendered task prompt.
    expect(llm.requests[0].rawBody).toContain('search_orders');

    const again = ok(await client(svc).request(sample()));
    expect(again).toMatchObject({ text: FENCED, cached: true, attempts: 0 });
    expect(llm.requests).toHaveLength(1);

    const nextRun = await start([model(GPT)]);
    expect(ok(await client(nextRun).request(sample())).cached).toBe(true);
    expect(llm.requests).toHaveLength(1);

    expect(svc.stats().models[GPT]).toMatchObject({ requests: 2, generated: 1, cached: 1, failed: 0, tokens: { input: 100, output: 20, reasoning: 0 } });
  });

  test('raising the sample index generates only the new sample', async () => {
    llm.script({ text: 'zero' }, { text: 'one' });
    const svc = await start([model(GPT, { sampling: { seed: 5 } })]);
    const c = client(svc);
    expect(ok(await c.request(sample())).text).toBe('zero');
    expect(ok(await c.request(sample({ sampleIndex: 0 }))).cached).toBe(true);
    expect(ok(await c.request(sample({ sampleIndex: 1 }))).text).toBe('one');
    expect(llm.requests).toHaveLength(2);
    // Sample i is sent seed + i, so the samples are not copies of one.
    expect(llm.requests.map((r) => r.body.seed)).toEqual([5, 6]);
    expect(ok(await c.request(sample({ sampleIndex: 1 }))).cached).toBe(true);
    expect(llm.requests).toHaveLength(2);
  });

  test('a changed prompt template (a model templates dir) makes a new request; the old prompt stays cached', async () => {
    llm.script({ text: 'built-in' }, { text: 'override' });
    const plain = await start([model(GPT)]);
    expect(ok(await client(plain).request(sample())).text).toBe('built-in');

    const templates = join(root, 'templates');
    mkdirSync(templates, { recursive: true });
    writeFileSync(join(templates, 'system.hbs'), `${readFileSync(packageFile('prompts/system.hbs'), 'utf8')}\nAnswer tersely.\n`);
    const custom = await start([model(GPT, { templatesDir: templates })]);
    const c = client(custom);
    expect(ok(await c.request(sample()))).toMatchObject({ text: 'override', cached: false });
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1].rawBody).toContain('Answer tersely.');
    expect(ok(await c.request(sample())).cached).toBe(true);
    expect(ok(await client(plain).request(sample())).text).toBe('built-in');
    expect(llm.requests).toHaveLength(2);
  });

  test('bypassCache regenerates an answer of an earlier run once, then reuses the fresh one', async () => {
    llm.script({ text: 'old' }, { text: 'fresh' });
    const first = await start([model(GPT)]);
    expect(ok(await client(first).request(sample())).text).toBe('old');
    const svc = await start([model(GPT)]);
    const c = client(svc);
    expect(ok(await c.request(sample({ bypassCache: true })))).toMatchObject({ text: 'fresh', cached: false });
    expect(ok(await c.request(sample({ bypassCache: true })))).toMatchObject({ text: 'fresh', cached: true });
    expect(ok(await c.request(sample()))).toMatchObject({ text: 'fresh', cached: true });
    expect(llm.requests).toHaveLength(2);
  });

  test('Anthropic (streamed) goes through the service the same way', async () => {
    llm.script({ text: FENCED, usage: { input: 10, output: 5 } });
    const svc = await start([model('anthropic:claude-fake')]);
    const c = client(svc);
    expect(ok(await c.request(sample({ model: 'anthropic:claude-fake' })))).toMatchObject({ text: FENCED, cached: false });
    expect(ok(await c.request(sample({ model: 'anthropic:claude-fake' }))).cached).toBe(true);
    expect(llm.requests.map((r) => r.path)).toEqual(['/v1/messages']);
  });
});

describe('single flight', () => {
  test('two concurrent identical requests (two workers) share one HTTP request', async () => {
    llm.script({ fault: 'delay', ms: 200, then: { text: FENCED, usage: { input: 10, output: 5 } } });
    const svc = await start([model(GPT)]);
    const [a, b] = (await Promise.all([client(svc).request(sample()), client(svc).request(sample())])).map(ok);
    expect(a.text).toBe(FENCED);
    expect(b.text).toBe(FENCED);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    expect(llm.requests).toHaveLength(1);
    expect(svc.stats().models[GPT]).toMatchObject({ requests: 2, generated: 1, cached: 1 });
  });

  test('one of two sharing requests cancelled: the call goes on for the other', async () => {
    llm.script({ fault: 'delay', ms: 300, then: { text: 'for b' } });
    const svc = await start([model(GPT)]);
    const ac = new AbortController();
    const pa = client(svc).request(sample(), ac.signal);
    const pb = client(svc).request(sample());
    await until(() => llm.requests.length === 1);
    ac.abort();
    expect(await pa).toEqual({ status: 'aborted' });
    expect(ok(await pb).text).toBe('for b');
    expect(llm.requests).toHaveLength(1);
  });
});

describe('budget', () => {
  const prices = { inputPerMTok: 1000, outputPerMTok: 1000 };
  // What the service estimates: the prompt at ~4 characters a token, plus the whole output cap.
  const promptTokens = () => {
    const p = renderPrompt(taskById(TASK), python);
    return Math.ceil((p.system.length + p.user.length) / 4);
  };

  test('the first sample fits, the next ones are missing without any HTTP request, and stats lists them', async () => {
    const input = promptTokens();
    const estimate = ((input + 100) * 1000) / 1e6;
    llm.script({ text: 'paid', usage: { input, output: 100 } });
    const progress: GenerationProgress[] = [];
    const svc = await start([model(GPT, { prices, sampling: { maxTokens: 100 } })], { budgetUsd: estimate * 1.5, onProgress: (p) => progress.push(p) });
    svc.announce(4);
    const c = client(svc);
    expect(ok(await c.request(sample())).costUsd).toBeCloseTo(estimate, 10);
    const second = await c.request(sample({ sampleIndex: 1 }));
    expect(second.status).toBe('budget');
    expect(second.status === 'budget' && second.message).toMatch(/budget of \$.* would be exceeded/);
    // Refused for good: later samples are missing too, so the report shows a cut, not holes.
    expect((await c.request(sample({ sampleIndex: 2 }))).status).toBe('budget');
    // A cached answer costs nothing and is still served.
    expect(ok(await c.request(sample())).cached).toBe(true);
    expect(llm.requests).toHaveLength(1);

    const stats = svc.stats();
    expect(stats.missing).toEqual([
      { model: GPT, taskId: TASK, language: 'python', sampleIndex: 1, reason: expect.stringContaining('budget') },
      { model: GPT, taskId: TASK, language: 'python', sampleIndex: 2, reason: expect.stringContaining('budget') },
    ]);
    expect(stats).toMatchObject({ budgetUsd: estimate * 1.5, budgetExhausted: true, unknownCostSamples: 0 });
    expect(stats.spentUsd).toBeCloseTo(estimate, 10);
    expect(stats.budgetLeftUsd).toBeCloseTo(estimate * 0.5, 10);
    expect(stats.models[GPT]).toMatchObject({ requests: 4, generated: 1, cached: 1, budget: 2 });
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4, generated: 1, cached: 1, missing: 2 });
    expect(progress.at(-1)!.spentUsd).toBeCloseTo(estimate, 10);
  });

  test('a sample that fits once the calls in flight settle waits for them instead of being refused', async () => {
    const input = promptTokens();
    const cap = 10_000;
    const estimate = ((input + cap) * 1000) / 1e6;
    llm.script({ fault: 'delay', ms: 150, then: { text: 'a', usage: { input, output: 10 } } }, { text: 'b', usage: { input, output: 10 } });
    const svc = await start([model(GPT, { prices, sampling: { maxTokens: cap } })], { budgetUsd: estimate * 1.5 });
    const c = client(svc);
    const [a, b] = await Promise.all([c.request(sample()), c.request(sample({ sampleIndex: 1 }))]);
    expect([ok(a).text, ok(b).text]).toEqual(['a', 'b']);
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1].receivedAt - llm.requests[0].receivedAt).toBeGreaterThanOrEqual(100);
  });

  test('a model without a known price cannot be budgeted: missing, with what to set', async () => {
    const svc = await start([model('openai-compatible:local', { apiKeyEnv: null })], { budgetUsd: 10 });
    const a = await client(svc).request(sample({ model: 'openai-compatible:local' }));
    expect(a).toEqual({ status: 'budget', message: expect.stringContaining('set prices:') });
    expect(llm.requests).toHaveLength(0);
    expect(svc.stats().missing).toHaveLength(1);
  });
});

describe('skips and errors', () => {
  test('a missing key env: skipped, naming the variable, no HTTP request', async () => {
    const svc = await start([model(GPT, { apiKeyEnv: 'DG_TEST_NOT_SET_KEY' })], { env: {} });
    const a = await client(svc).request(sample());
    expect(a).toEqual({ status: 'skipped', message: expect.stringMatching(/^DG_TEST_NOT_SET_KEY is not set/) });
    expect(llm.requests).toHaveLength(0);
    expect(svc.stats().skippedModels).toEqual([{ model: GPT, message: expect.stringContaining('DG_TEST_NOT_SET_KEY') }]);
    expect(svc.stats().models[GPT]).toMatchObject({ requests: 1, skipped: 1 });
  });

  test('a provider error (500 past the retries) is an error answer with its code, not cached: the next request calls again', async () => {
    llm.failNext(2, { fault: 'http-error', status: 500, retryAfterMs: 1 });
    const svc = await start([model(GPT, { maxRetries: 1 })]);
    const c = client(svc);
    const a = await c.request(sample());
    expect(a).toMatchObject({ status: 'error', error: { code: 'DG_PROVIDER_SERVER', retryable: true, attempts: 2 } });
    expect(a.status === 'error' && a.error.hint).toBeTruthy();
    expect(llm.requests).toHaveLength(2);
    expect(existsSync(join(cacheDir, 'generation'))).toBe(false);

    llm.script({ text: 'recovered' });
    expect(ok(await c.request(sample()))).toMatchObject({ text: 'recovered', cached: false });
    expect(llm.requests).toHaveLength(3);
    expect(svc.stats().models[GPT]).toMatchObject({ requests: 2, failed: 1, generated: 1 });
  });

  test('an unknown model, task or language is an error answer; the connection stays usable', async () => {
    llm.script({ text: 'fine' });
    const svc = await start([model(GPT)]);
    const c = client(svc);
    expect(await c.request(sample({ model: 'openai:nope' }))).toMatchObject({ status: 'error', error: { code: 'DG_GENERATION_REQUEST', message: expect.stringContaining(GPT) } });
    expect(await c.request(sample({ taskId: 'no-such-task' }))).toMatchObject({ status: 'error', error: { retryable: false } });
    expect(await c.request(sample({ language: 'cobol' }))).toMatchObject({ status: 'error', error: { message: 'unknown language cobol' } });
    expect(ok(await c.request(sample())).text).toBe('fine');
  });
});

describe('cancellation', () => {
  test("the test's AbortSignal cancels the provider call: no retry, the model's slot is free at once", async () => {
    llm.script({ fault: 'delay', ms: 5000, then: { text: 'never read' } }, { text: 'next' });
    // concurrency 1: if the cancelled call still held its limiter slot, the next request would wait 5 s.
    const svc = await start([model(GPT, { concurrency: 1, maxRetries: 2, timeoutMs: 10_000 })]);
    const c = client(svc);
    const ac = new AbortController();
    const started = Date.now();
    const pending = c.request(sample(), ac.signal);
    await until(() => llm.requests.length === 1);
    ac.abort();
    expect(await pending).toEqual({ status: 'aborted' });
    expect(Date.now() - started).toBeLessThan(1500);
    await until(() => svc.stats().inFlight === 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(llm.requests).toHaveLength(1);

    const t = Date.now();
    expect(ok(await c.request(sample()))).toMatchObject({ text: 'next', cached: false });
    expect(Date.now() - t).toBeLessThan(1500);
    expect(llm.requests).toHaveLength(2);
    expect(svc.stats().models[GPT]).toMatchObject({ requests: 2, aborted: 1, generated: 1 });
  });

  test('a worker that disconnects cancels its calls; its waiting requests fail as infra, not as answers', async () => {
    llm.script({ fault: 'delay', ms: 5000, then: { text: 'never read' } });
    const svc = await start([model(GPT, { timeoutMs: 10_000 })]);
    const c = connectGeneration(svc.socketPath);
    const pending = c.request(sample());
    await until(() => llm.requests.length === 1);
    c.close();
    await expect(pending).rejects.toBeInstanceOf(GenerationUnavailableError);
    await until(() => svc.stats().inFlight === 0, 1500);
    expect(svc.stats().models[GPT].aborted).toBe(1);
  });
});

describe('the socket', () => {
  test('lives in a private dir (0700, socket 0600) that close() removes', async () => {
    const svc = await start([model(GPT)]);
    expect(statSync(dirname(svc.socketPath)).mode & 0o777).toBe(0o700);
    expect(statSync(svc.socketPath).mode & 0o777).toBe(0o600);
    expect(dirname(dirname(svc.socketPath))).toBe(join(root, 'run'));
    await svc.close();
    expect(existsSync(svc.socketPath)).toBe(false);
    expect(existsSync(dirname(svc.socketPath))).toBe(false);
  });

  test.each([
    ['a line that is not JSON', 'this is not json\n', /not a JSON line/],
    ['a request without its fields', '{"id":1,"model":"x"}\n', /taskId/],
    ['an unknown field', '{"id":1,"model":"x","taskId":"t","language":"python","sampleIndex":0,"apiKey":"k"}\n', /unknown field/],
    ['a line past the size limit', 'x'.repeat(70 * 1024), /longer than/],
  ])('%s closes only that connection, with a protocol error', async (_, line, why) => {
    llm.script({ fault: 'delay', ms: 300, then: { text: 'unaffected' } }, { text: 'later' });
    const svc = await start([model(GPT)]);
    const good = client(svc);
    const inFlight = good.request(sample());
    await until(() => llm.requests.length === 1);

    const bad = raw(svc.socketPath);
    bad.socket.write(line);
    await bad.closed;
    const msg = JSON.parse(bad.received().trim()) as { protocolError: string };
    expect(msg.protocolError).toMatch(why);

    expect(ok(await inFlight).text).toBe('unaffected');
    expect(ok(await client(svc).request(sample({ sampleIndex: 1 }))).text).toBe('later');
  });

  test('progress: done/total and cost, after each answer', async () => {
    llm.script({ text: 'a', usage: { input: 1000, output: 1000 } }, { text: 'b', usage: { input: 1000, output: 1000 } });
    const seen: GenerationProgress[] = [];
    const svc = await start([model(GPT, { prices: { inputPerMTok: 1, outputPerMTok: 2 } })]);
    const off = svc.onProgress((p) => seen.push(p));
    svc.announce(2);
    const c = client(svc);
    await c.request(sample());
    await c.request(sample({ sampleIndex: 1 }));
    off();
    expect(seen.map((p) => [p.done, p.total])).toEqual([[0, 2], [1, 2], [2, 2]]);
    expect(seen.at(-1)!.spentUsd).toBeCloseTo(0.006, 10);
    expect(svc.stats().models[GPT].costUsd).toBeCloseTo(0.006, 10);
  });

  test('unknown cost stays unknown: null, counted apart', async () => {
    llm.script({ text: 'a', usage: { input: 10, output: 10 } });
    const svc = await start([model('openai-compatible:local', { apiKeyEnv: null })]);
    ok(await client(svc).request(sample({ model: 'openai-compatible:local' })));
    expect(svc.stats().models['openai-compatible:local']).toMatchObject({ generated: 1, costUsd: null, unknownCostSamples: 1 });
    expect(svc.stats()).toMatchObject({ spentUsd: 0, unknownCostSamples: 1, budgetUsd: null, budgetLeftUsd: null });
  });
});

describe('the client', () => {
  /** A stand-in service: the first connection is dropped on its first request, later ones answer ok. */
  async function flakyServer(path: string): Promise<Server> {
    let connections = 0;
    const server = createServer((s) => {
      const n = ++connections;
      s.on('data', (d) => {
        const req = JSON.parse(d.toString('utf8').split('\n')[0]) as { id: number };
        if (n === 1) s.destroy();
        else s.write(`${JSON.stringify({ id: req.id, status: 'ok', text: `conn ${n}`, refused: false, finish: 'stop', usage: null, costUsd: null, cached: true, model: 'm', attempts: 0, ms: 0 })}\n`);
      });
    });
    await new Promise<void>((r) => server.listen(path, () => r()));
    return server;
  }

  test('a broken connection fails its pending requests with a clear infra error; the next request reconnects', async () => {
    const path = join(root, 'flaky.sock');
    const server = await flakyServer(path);
    try {
      const c = connectGeneration(path);
      clients.push(c);
      const e = await c.request(sample()).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(GenerationUnavailableError);
      expect((e as Error).message).toContain(path);
      expect(ok(await c.request(sample())).text).toBe('conn 2');
    } finally {
      server.close();
    }
  });

  test('no service at the path: a clear infra error, never an answer', async () => {
    const c = connectGeneration(join(root, 'nothing-here.sock'));
    clients.push(c);
    const e = await c.request(sample()).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(GenerationUnavailableError);
    expect((e as Error).message).toMatch(/not running/);
  });

  test('an already aborted signal sends nothing', async () => {
    const svc = await start([model(GPT)]);
    const ac = new AbortController();
    ac.abort();
    expect(await client(svc).request(sample(), ac.signal)).toEqual({ status: 'aborted' });
    expect(svc.stats().models[GPT].requests).toBe(0);
  });
});
