/**
 * LLM models through the real pipeline (test/fixtures/llm): the main process's generation service calls the
 * vendor SDKs against a loopback server speaking the OpenAI and Anthropic APIs (test/support/fake-llm-server.ts);
 * workers get samples over its socket, never the keys. The OpenAI model's four samples are a secure answer, an
 * insecure one, a vendor refusal and prose without code (told apart by the seed, 100 + sample index); the
 * Anthropic model answers securely; a model whose key variable is unset is skipped with one line. A second run
 * makes no HTTP request at all.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer, type FakeStep, type RecordedRequest } from '../support/fake-llm-server.js';
import { copyFixture, describeRun, latestTarget, readCases, readEvidence, readSummary, REPO, runVitest, type CaseLine, type Project, type RunResult } from './helpers.js';

const SECURE = 'Here it is:\n\n```python\nimport html\n\n\ndef greeting(name):\n    return "<p>Hello, %s!</p>" % html.escape(name, quote=True)\n```\n';
const INSECURE = '```python\ndef greeting(name):\n    return f"<p>Hello, {name}!</p>"\n```\n';
const PROSE = 'Escape the name with the html module and wrap it in a paragraph.';
const CASES = ['plain-name', 'unicode-name', 'script-tag', 'quote-break'];
const KEYS = { OPENAI_API_KEY: 'sk-test-openai', ANTHROPIC_API_KEY: 'sk-test-anthropic', DG_TEST_MISSING_KEY: undefined };

function answer(req: RecordedRequest): FakeStep {
  if (req.endpoint === 'anthropic-messages') return { text: SECURE, usage: { input: 300, output: 60 } };
  const usage = { input: 250, output: 50 };
  switch (req.body?.seed) {
    case 200: return { fault: 'http-error', status: 500, message: 'the model is on fire' };
    case 100: return { text: SECURE, usage };
    case 101: return { text: INSECURE, usage };
    case 102: return { refusal: 'I cannot help with that.', usage };
    default: return { text: PROSE, usage };
  }
}

/** `dualgauge plan` (the dry run) for a project, with the test keys in its env. */
function plan(p: Project): { code: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, ...KEYS };
  delete env.DG_TEST_MISSING_KEY;
  const r = spawnSync(process.execPath, [join(REPO, 'dist/bin/dualgauge.js'), 'plan', '--config', p.path('dualgauge.config.yaml')], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The id of a run, as its output names it (an incomplete run does not move results/latest). */
const runIdOf = (run: RunResult) => /DualGauge run (\S+)/.exec(run.output)![1];

/** A config with the one OpenAI model of the fake server, its settings, and top-level lines. */
function writeConfig(p: Project, settings: string, lines: string[]): void {
  const model = `  - { id: "openai:gpt-test", base_url: "${llm.url}/v1", ${settings} }`;
  p.write('dualgauge.config.yaml', ['specs: [specs/*/task.yaml]', 'languages: [python]', 'models:', model, 'k: [1]', 'results: results', ...lines].join('\n') + '\n');
}

let llm: FakeLlmServer;
let dryRun: { code: number | null; out: string };
let project: Project;
let first: RunResult;
let firstLines: CaseLine[];
let firstRequests: RecordedRequest[];

beforeAll(async () => {
  llm = await startFakeLlmServer({ fallback: answer });
  project = copyFixture('llm');
  project.replace('dualgauge.config.yaml', /FAKE_URL/g, llm.url);
  dryRun = plan(project);
  first = await runVitest(project, { env: KEYS });
  firstLines = readCases(project);
  firstRequests = [...llm.requests];
}, 240_000);

afterAll(async () => {
  await llm?.close();
  project?.cleanup();
});

const outcomes = (lines: CaseLine[], model: string, sample: number) => CASES.map((id) => lines.find((l) => l.model === model && l.sample === sample && l.case === id)?.outcome);

describe('a run with LLM models', () => {
  test('each sample gets the outcome of what the model answered', () => {
    expect(first.code, describeRun(first)).toBe(0);
    expect(outcomes(firstLines, 'openai:gpt-test', 0)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(outcomes(firstLines, 'openai:gpt-test', 1)).toEqual(['passed', 'passed', 'failed', 'failed']);
    expect(outcomes(firstLines, 'openai:gpt-test', 2)).toEqual(CASES.map(() => 'refusal'));
    expect(outcomes(firstLines, 'openai:gpt-test', 3)).toEqual(CASES.map(() => 'no-code'));
    expect(outcomes(firstLines, 'anthropic:claude-test', 0)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(outcomes(firstLines, 'reference:secure', 0)).toEqual(['passed', 'passed', 'passed', 'passed']);
  });

  test('one request per sample, with the key from the model\'s env variable, through each vendor API', () => {
    const openai = firstRequests.filter((r) => r.endpoint === 'openai-chat');
    const anthropic = firstRequests.filter((r) => r.endpoint === 'anthropic-messages');
    expect(openai.map((r) => r.body.seed).sort()).toEqual([100, 101, 102, 103]);
    expect(openai.every((r) => r.apiKey === KEYS.OPENAI_API_KEY && r.body.model === 'gpt-test')).toBe(true);
    expect(anthropic).toHaveLength(1);
    expect(anthropic[0]).toMatchObject({ apiKey: KEYS.ANTHROPIC_API_KEY, body: { model: 'claude-test' } });
    // The prompt carries the task's own words.
    expect(JSON.stringify(openai[0].body.messages)).toContain('escaped for HTML so that any text renders literally');
  });

  test('a model whose key is missing is skipped with one line naming the variable, and has no cases', () => {
    expect(first.output).toMatch(/model openai:gpt-nokey skipped: DG_TEST_MISSING_KEY is not set/);
    expect(firstLines.some((l) => l.model === 'openai:gpt-nokey')).toBe(false);
    expect(firstRequests.some((r) => r.apiKey === undefined || r.body?.model === 'gpt-nokey')).toBe(false);
  });

  test('tokens and cost per model are in the summary and on the terminal', () => {
    const summary = readSummary(project) as unknown as { generation: { models: Record<string, { generated: number; cached: number; tokens: { input: number; output: number }; costUsd: number | null }> } };
    expect(summary.generation.models['openai:gpt-test']).toMatchObject({ generated: 4, cached: 0, tokens: { input: 1000, output: 200 } });
    // 1000 input tokens at $1 and 200 output tokens at $2 per million.
    expect(summary.generation.models['openai:gpt-test'].costUsd).toBeCloseTo(0.0014, 6);
    // No price for this model name: unknown, not zero.
    expect(summary.generation.models['anthropic:claude-test'].costUsd).toBeNull();
    expect(first.output).toMatch(/generation openai:gpt-test: 4 generated, 0 from the cache/);
    // The progress line (a log, not a terminal: printed when the last planned sample is in).
    expect(first.output).toMatch(/generation: 5\/5 samples \(0 from the cache, 5 generated\) · \$0\.0014 \+ 1 of unknown cost/);
  });

  test('the dry run plans what a run asks for and its cost, before any call; after the run, all of it is cached', () => {
    expect(dryRun.code, dryRun.out).toBe(0);
    expect(dryRun.out).toMatch(/openai:gpt-test: 4 sample\(s\) over 1 task\(s\) × python · 0 cached · 4 to generate · ≤ \$0\.0\d+/);
    expect(dryRun.out).toMatch(/anthropic:claude-test: 1 sample\(s\) .* 1 to generate · unknown/);
    expect(dryRun.out).toMatch(/openai:gpt-nokey: skipped — DG_TEST_MISSING_KEY is not set/);
    // The dry run happened before the run, and the run made exactly one request per sample: it called nothing.
    expect(firstRequests).toHaveLength(5);
    const after = plan(project);
    expect(after.out).toMatch(/openai:gpt-test: 4 sample\(s\) .* 4 cached · 0 to generate · ≤ \$0\.0000/);
    expect(after.out).toMatch(/total: 0 to generate/);
  });

  test('a second run makes no HTTP request and reaches the same outcomes', async () => {
    const before = llm.requests.length;
    const again = await runVitest(project, { env: KEYS });
    expect(llm.requests.length - before, describeRun(again)).toBe(0);
    const lines = readCases(project, runIdOf(again));
    for (const i of [0, 1, 2, 3]) expect(outcomes(lines, 'openai:gpt-test', i)).toEqual(outcomes(firstLines, 'openai:gpt-test', i));
    expect(again.output).toMatch(/generation openai:gpt-test: 0 generated, 4 from the cache/);
    // Each case's evidence says what its sample's answer cost, and whether it came from the cache.
    const line = (ls: CaseLine[]) => ls.find((l) => l.model === 'openai:gpt-test' && l.sample === 0 && l.case === 'plain-name')!;
    const generation = (l: CaseLine) => (readEvidence(project, l.runId, l.evidenceRef!) as { generation: { cached: boolean; usage: { input: number }; costUsd: number } }).generation;
    expect(generation(line(firstLines))).toMatchObject({ cached: false, usage: { input: 250 }, costUsd: expect.closeTo(0.00035, 8) });
    expect(generation(line(lines)).cached).toBe(true);
  });

  test('a changed prompt template (a per-model override) asks that model again; the other model stays cached', async () => {
    // The override folder holds only user.hbs: the rest falls back to the built-in templates.
    const builtIn = readFileSync(join(REPO, 'prompts/user.hbs'), 'utf8');
    mkdirSync(project.path('my-prompts'), { recursive: true });
    project.write('my-prompts/user.hbs', `${builtIn}\nKeep it short.\n`);
    project.replace('dualgauge.config.yaml', 'seed: 100,', 'seed: 100, templates: my-prompts,');
    const before = llm.requests.length;
    const again = await runVitest(project, { env: KEYS });
    const sent = llm.requests.slice(before);
    expect(sent.map((r) => r.endpoint), describeRun(again)).toEqual(['openai-chat', 'openai-chat', 'openai-chat', 'openai-chat']);
    expect(sent.every((r) => JSON.stringify(r.body.messages).includes('Keep it short.'))).toBe(true);
    project.replace('dualgauge.config.yaml', 'seed: 100, templates: my-prompts,', 'seed: 100,');
  });

  test('DUALGAUGE_REGENERATE=1 asks the models again, once per sample', async () => {
    const before = llm.requests.length;
    const again = await runVitest(project, { env: { ...KEYS, DUALGAUGE_REGENERATE: '1' } });
    expect(llm.requests.length - before, describeRun(again)).toBe(5);
    expect(again.output).toMatch(/generation openai:gpt-test: 4 generated, 0 from the cache/);
  });
});

describe('a budget', () => {
  test('generation stops past it: the samples left are infra errors naming the budget, listed as missing, and the run is incomplete', async () => {
    const capped = copyFixture('llm');
    try {
      // One answer costs $0.00035 here (250 tokens in, 50 out); the service reserves the prompt plus max_tokens.
      writeConfig(capped, 'seed: 100, max_tokens: 100, max_retries: 1, prices: { input_per_mtok: 1, output_per_mtok: 2 }', ['n: 4', 'budget: 0.001']);
      const before = llm.requests.length;
      const run = await runVitest(capped, { env: KEYS });
      const runId = runIdOf(run);
      const lines = readCases(capped, runId);
      const summary = readSummary(capped, runId) as unknown as { generation: { spentUsd: number; budgetExhausted: boolean; missing: { sampleIndex: number }[]; models: Record<string, { generated: number }> }; rows: { incomplete: boolean }[] };
      const generated = summary.generation.models['openai:gpt-test'].generated;
      const missing = summary.generation.missing.map((m) => m.sampleIndex).sort();
      expect(generated, describeRun(run)).toBeGreaterThan(0);
      expect(missing.length).toBeGreaterThan(0);
      expect(generated + missing.length).toBe(4);
      expect(llm.requests.length - before).toBe(generated);
      expect(summary.generation.spentUsd).toBeLessThanOrEqual(0.001);
      expect(summary.generation.budgetExhausted).toBe(true);
      for (const i of missing) {
        for (const l of lines.filter((x) => x.sample === i)) {
          expect(l.outcome).toBe('infra-error');
          expect(l.message).toMatch(/not generated: .*budget/i);
        }
      }
      expect(summary.rows.every((r) => r.incomplete)).toBe(true);
      expect(run.code).toBe(1);
      expect(run.output).toMatch(/not generated \(budget\): \d sample/);
      for (const i of missing) expect(run.output).toContain(`openai:gpt-test · greeting-html · python · #${i}`);
      // An incomplete run is never presented as the latest complete one.
      expect(latestTarget(capped)).toBeNull();
    } finally {
      capped.cleanup();
    }
  });
});

describe('a provider failure', () => {
  test('is an infrastructure error on every case of the sample, retried first, never a verdict', async () => {
    const failing = copyFixture('llm');
    try {
      writeConfig(failing, 'seed: 200, max_retries: 1', ['n: 1']);
      const before = llm.requests.length;
      const run = await runVitest(failing, { env: KEYS });
      const runId = runIdOf(run);
      // The SDK's one retry of a 500, then our classification: two requests, no answer.
      expect(llm.requests.length - before, describeRun(run)).toBe(2);
      const lines = readCases(failing, runId);
      expect(lines.map((l) => l.outcome)).toEqual(CASES.map(() => 'infra-error'));
      for (const l of lines) expect(l.message).toMatch(/generation failed for openai:gpt-test: .*500/);
      expect(run.code).toBe(1);
      expect(latestTarget(failing)).toBeNull();
    } finally {
      failing.cleanup();
    }
  });
});
