/**
 * Config, suite and task loading: every problem is reported at once, at file:line:col (1-based), with the source
 * line and a caret, and a did-you-mean where a key is misspelt. Files are real YAML files written to os.tmpdir().
 * Expected places are taken from the fixture text itself: line = its index in the `lines` array + 1, col = the
 * 1-based column of the offending token in that line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDirs } from '../support/temp-dirs.js';
import { listSuiteNames, loadConfig, loadSuite, locateConfig } from '../../plugin/config/load-config.js';
import { codeFrame, nodeAt, parseYaml, placeAtOffset, placeOf, problemAt, readYaml, toPlain } from '../../plugin/config/yaml-source.js';
import { DualGaugeError, ValidationError, type Problem } from '../../plugin/errors.js';
import { loadTask } from '../../plugin/spec/load-task.js';
import { ALL_PROVIDERS, KNOWN_PROVIDERS } from '../../plugin/config/load-config.js';
import { LLM_DEFAULTS } from '../../plugin/config/types.js';

const tmp = tempDirs('dg-unit-');

function write(file: string, lines: string[]): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Runs fn, which must throw a ValidationError; returns it. */
function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

function dgError(fn: () => unknown): DualGaugeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DualGaugeError);
    return e as DualGaugeError;
  }
  throw new Error('expected a DualGaugeError, but nothing was thrown');
}

/** Where `token` is on 1-based line `line` of the fixture (its `nth` occurrence, from 0). */
function at(file: string, lines: string[], line: number, token: string, nth = 0): { file: string; line: number; col: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) idx = lines[line - 1].indexOf(token, idx + 1);
  if (idx < 0) throw new Error(`fixture error: "${token}" is not on line ${line}: ${lines[line - 1]}`);
  return { file, line, col: idx + 1 };
}

/** The frame the spec describes: `NNNN | <source line>` then a caret under the column. */
function expectFrame(p: Problem, lines: string[]): void {
  const { line, col } = p.place as { line: number; col: number };
  expect(p.frame).toBe(`${String(line).padStart(4)} | ${lines[line - 1]}\n${' '.repeat(4)} | ${' '.repeat(col - 1)}^`);
}

function problemWith(e: ValidationError, text: string): Problem {
  const p = e.problems.find((x) => x.message.includes(text));
  if (!p) throw new Error(`no problem mentions "${text}"; got:\n${e.problems.map((x) => x.message).join('\n')}`);
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
describe('yaml-source', () => {
  const text = ['a: 1', 'b: 1.0', 'list:', '  - x', '  - { k: v }'].join('\n');

  test('integers are bigint and floats number, so 1 and 1.0 stay apart', () => {
    const src = parseYaml('f.yaml', text, 'DG_CONFIG_INVALID');
    expect(src.data).toEqual({ a: 1n, b: 1, list: ['x', { k: 'v' }] });
    expect(toPlain(src.data)).toEqual({ a: 1, b: 1, list: ['x', { k: 'v' }] });
  });

  test('placeOf: value nodes, key nodes, list items (1-based)', () => {
    const src = parseYaml('f.yaml', text, 'DG_CONFIG_INVALID');
    // "b: 1.0": the value starts at column 4, the key at column 1.
    expect(placeOf(src, ['b'])).toEqual({ file: 'f.yaml', line: 2, col: 4 });
    expect(placeOf(src, ['b'], true)).toEqual({ file: 'f.yaml', line: 2, col: 1 });
    // "  - { k: v }": item 1 starts at "{" (column 5); its key k at column 7, value v at column 10.
    expect(placeOf(src, ['list', 1])).toEqual({ file: 'f.yaml', line: 5, col: 5 });
    expect(placeOf(src, ['list', 1, 'k'], true)).toEqual({ file: 'f.yaml', line: 5, col: 7 });
    expect(placeOf(src, ['list', 1, 'k'])).toEqual({ file: 'f.yaml', line: 5, col: 10 });
  });

  test('a path that does not exist stops at the deepest node that does', () => {
    const src = parseYaml('f.yaml', text, 'DG_CONFIG_INVALID');
    // list[1] has no key "zz": the map itself (line 5, column 5) is the place.
    expect(placeOf(src, ['list', 1, 'zz'])).toEqual({ file: 'f.yaml', line: 5, col: 5 });
    expect(nodeAt(src, ['list', 7])).toBe(nodeAt(src, ['list']));
  });

  test('placeAtOffset clamps and counts lines from 1', () => {
    const src = parseYaml('f.yaml', text, 'DG_CONFIG_INVALID');
    expect(placeAtOffset(src, 0)).toEqual({ file: 'f.yaml', line: 1, col: 1 });
    // offset 5 is the first character of line 2 ("a: 1\n" is 5 characters).
    expect(placeAtOffset(src, 5)).toEqual({ file: 'f.yaml', line: 2, col: 1 });
    expect(placeAtOffset(src, -3)).toEqual({ file: 'f.yaml', line: 1, col: 1 });
  });

  test('codeFrame: the line, then a caret under the column', () => {
    const src = parseYaml('f.yaml', text, 'DG_CONFIG_INVALID');
    expect(codeFrame(src, { file: 'f.yaml', line: 5, col: 10 })).toBe('   5 |   - { k: v }\n     |          ^');
    expect(codeFrame(src, { file: 'f.yaml' })).toBe('');
    const p = problemAt(src, ['list', 1, 'k'], 'bad', { hint: 'h' });
    expect(p).toEqual({ place: { file: 'f.yaml', line: 5, col: 10 }, message: 'bad', frame: '   5 |   - { k: v }\n     |          ^', hint: 'h' });
  });

  test('a file that cannot be read is a DualGaugeError with the code asked for and the path', () => {
    const file = join(tmp(), 'nope.yaml');
    const e = dgError(() => readYaml(file, 'DG_SPEC_INVALID'));
    expect(e).not.toBeInstanceOf(ValidationError);
    expect(e.code).toBe('DG_SPEC_INVALID');
    expect(e.place).toEqual({ file });
    expect(e.message).toContain(file);
  });

  test('ValidationError lists every problem with file:line:col in its message', () => {
    const e = new ValidationError('DG_CONFIG_INVALID', 'invalid config x', [
      { place: { file: 'x', line: 2, col: 3 }, message: 'one' },
      { place: { file: 'x', line: 4, col: 1 }, message: 'two', hint: 'fix it' },
    ]);
    expect(e.message).toContain('2 problems');
    expect(e.message).toContain('x:2:3 one');
    expect(e.message).toContain('x:4:1 two');
    expect(e.message).toContain('hint: fix it');
    expect(e.place).toEqual({ file: 'x', line: 2, col: 3 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('YAML syntax errors', () => {
  test('bad indentation is positioned at the offending line', () => {
    const lines = ['specs: [specs/*/task.yaml]', 'languages:', '  - python', ' models: [reference:secure]'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), lines);
    const e = validationError(() => loadConfig(file));
    expect(e.code).toBe('DG_YAML_SYNTAX');
    expect(e.problems).toHaveLength(1);
    // " models:" is indented by one space: the error is where that key starts (line 4).
    expect(e.problems[0].place.line).toBe(4);
    expect(e.problems[0].place.file).toBe(file);
    expect(e.problems[0].message).toMatch(/^YAML syntax: /);
    expectFrame(e.problems[0], lines);
  });

  test('a duplicate key is positioned at the second occurrence', () => {
    const lines = ['n: 1', 'k: [1]', 'n: 2'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), lines);
    const e = validationError(() => loadConfig(file));
    expect(e.code).toBe('DG_YAML_SYNTAX');
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].place).toEqual(at(file, lines, 3, 'n'));
    expect(e.problems[0].message).toMatch(/unique/);
    expectFrame(e.problems[0], lines);
  });

  test('a duplicate key in a task case is a syntax error of the task', () => {
    const dir = tmp();
    const lines = ['id: demo', 'title: a', 'title: b'];
    const file = write(join(dir, 'specs', 'demo', 'task.yaml'), lines);
    const e = validationError(() => loadTask(file));
    expect(e.code).toBe('DG_YAML_SYNTAX');
    expect(e.problems[0].place).toEqual(at(file, lines, 3, 'title'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('loadConfig: schema problems', () => {
  const lines = [
    'specs: [specs/*/task.yaml]', // 1
    'modles:', // 2  unknown key (models)
    '  - reference:secure', // 3
    'n: zero', // 4  wrong type
    'languages: [python, rust]', // 5  not a language
  ];

  test('three mistakes → three problems, each at its own line:col, in file order', () => {
    const file = write(join(tmp(), 'dualgauge.config.yaml'), lines);
    const e = validationError(() => loadConfig(file));
    expect(e.code).toBe('DG_CONFIG_INVALID');
    expect(e.problems).toHaveLength(3);
    expect(e.problems.map((p) => p.place)).toEqual([at(file, lines, 2, 'modles'), at(file, lines, 4, 'zero'), at(file, lines, 5, 'rust')]);
    expect(e.problems[0].message).toContain('"modles"');
    expect(e.problems[1].message).toMatch(/^n: must be an integer/);
    expect(e.problems[2].message).toMatch(/^languages\[1\]: must be one of "python", "javascript", "cpp"/);
    for (const p of e.problems) expectFrame(p, lines);
    // The thrown message names every place as file:line:col.
    expect(e.message).toContain(`${file}:2:1`);
    expect(e.message).toContain(`${file}:4:4`);
    expect(e.message).toContain(`${file}:5:21`);
  });

  test('an unknown key gets a did-you-mean: modles → "models"', () => {
    const file = write(join(tmp(), 'dualgauge.config.yaml'), lines);
    const p = problemWith(validationError(() => loadConfig(file)), 'modles');
    expect(p.hint).toContain('did you mean "models"');
  });

  test('an unknown key with no close match lists the allowed keys', () => {
    const l = ['wibble: 1'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), l);
    const p = problemWith(validationError(() => loadConfig(file)), 'wibble');
    expect(p.hint).toMatch(/specs.*languages.*models/);
  });

  test('wrong types: a number where a list goes, a list where a string goes', () => {
    const l = ['k: 1', 'results: [a]'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), l);
    const e = validationError(() => loadConfig(file));
    expect(e.problems).toHaveLength(2);
    expect(e.problems[0]).toMatchObject({ place: at(file, l, 1, '1'), message: 'k: must be a list' });
    expect(e.problems[1]).toMatchObject({ place: at(file, l, 2, '['), message: 'results: must be a string' });
  });

  test('out of range values', () => {
    const l = ['n: 0', 'k: [0]', 'limits: { timeout_ms: 5 }'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), l);
    const e = validationError(() => loadConfig(file));
    expect(e.problems.map((p) => p.place.line)).toEqual([1, 2, 3]);
    expect(e.problems[2].place).toEqual(at(file, l, 3, '5'));
  });

  test('an unknown nested key (in limits) is named with its parent', () => {
    const l = ['limits:', '  timeout_ms: 1000', '  memroy_mb: 256'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), l);
    const p = validationError(() => loadConfig(file)).problems[0];
    expect(p.place).toEqual(at(file, l, 3, 'memroy_mb'));
    expect(p.message).toContain('in limits');
    expect(p.hint).toContain('did you mean "memory_mb"');
  });

  test('a model that is neither a string nor a map is one problem, not one per alternative', () => {
    const l = ['models:', '  - reference:secure', '  - 42'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), l);
    const e = validationError(() => loadConfig(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].place).toEqual(at(file, l, 3, '42'));
  });

  test('a misspelt key in a model map gets a did-you-mean: labl → "label"', () => {
    const l = ['models:', '  - { id: reference:secure, labl: Secure }'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), l);
    const e = validationError(() => loadConfig(file));
    const p = problemWith(e, 'labl');
    expect(p.hint).toContain('did you mean "label"');
  });

  test('a threshold with a bad metric name', () => {
    const l = ['thresholds:', '  - { metric: secure-pass@0, min: 0.4 }'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), l);
    const p = validationError(() => loadConfig(file)).problems[0];
    expect(p.place).toEqual(at(file, l, 2, 'secure-pass@0'));
    expect(p.message).toMatch(/^thresholds\[0\]\.metric: must match/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('loadConfig: models', () => {
  test('unknown providers, a planned provider, a bad reference target and a missing replay folder: all at once', () => {
    const dir = tmp();
    const lines = [
      'models:', // 1
      '  - opneai:gpt-4', // 2
      '  - foo:bar', // 3
      '  - reference:xyz', // 4
      '  - referense:secure', // 5
      '  - agent:codex', // 6
      '  - { id: files:./runs/none, label: Replay }', // 7
    ];
    const file = write(join(dir, 'dualgauge.config.yaml'), lines);
    const e = validationError(() => loadConfig(file));
    expect(e.code).toBe('DG_CONFIG_INVALID');
    expect(e.problems).toHaveLength(6);
    const [opneai, foo, xyz, referense, openai, files] = e.problems;
    expect(opneai).toMatchObject({ place: at(file, lines, 2, 'opneai'), message: 'unknown provider "opneai"' });
    expect(opneai.hint).toContain('reference, files');
    expect(foo).toMatchObject({ place: at(file, lines, 3, 'foo'), message: 'unknown provider "foo"' });
    expect(xyz.place).toEqual(at(file, lines, 4, 'reference:xyz'));
    expect(xyz.message).toContain('"reference:xyz"');
    expect(referense.place).toEqual(at(file, lines, 5, 'referense'));
    expect(referense.hint).toContain('did you mean "reference:"');
    expect(openai.place).toEqual(at(file, lines, 6, 'agent'));
    expect(openai.message).toContain('not available in this version');
    // A map entry is placed at its id value; the folder is resolved against the config's folder.
    expect(files.place).toEqual(at(file, lines, 7, 'files:'));
    expect(files.message).toContain(join(dir, 'runs', 'none'));
    for (const p of e.problems) expectFrame(p, lines);
  });

  test('a model listed twice, and the docker backend', () => {
    const lines = ['models: [reference:secure, reference:secure]', 'sandbox: docker'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), lines);
    const e = validationError(() => loadConfig(file));
    expect(e.problems).toHaveLength(2);
    expect(problemWith(e, 'listed twice').place).toEqual(at(file, lines, 1, 'reference:secure', 1));
    expect(problemWith(e, 'docker').place).toEqual(at(file, lines, 2, 'docker'));
  });

  test('schema problems and model problems are reported together', () => {
    // Two independent mistakes: n out of range (schema) and an unknown provider (semantic).
    const lines = ['n: 0', 'models: [foo:bar]'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), lines);
    const e = validationError(() => loadConfig(file));
    expect(e.problems.map((p) => p.place)).toEqual([at(file, lines, 1, '0'), at(file, lines, 2, 'foo:bar')]);
  });

  test('a map entry keeps its label and n', () => {
    const file = write(join(tmp(), 'dualgauge.config.yaml'), ['models:', '  - { id: reference:secure, label: Ref, n: 3 }']);
    expect(loadConfig(file).models).toEqual([{ id: 'reference:secure', provider: 'reference', target: 'secure', label: 'Ref', n: 3 }]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('loadConfig: LLM models (openai, anthropic, openai-compatible)', () => {
  /** The LLM providers are validated always, and runnable where the caller says it can run them. */
  const llmConfig = (file: string) => loadConfig(file, { providers: ALL_PROVIDERS });

  test('they load by default; a caller that cannot run them narrows the providers and gets a placed error', () => {
    const lines = ['models: [openai:gpt-5]'];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), lines);
    expect(loadConfig(file).models[0].llm).toBeDefined();
    expect(validationError(() => loadConfig(file, { providers: KNOWN_PROVIDERS })).problems[0].message).toBe('provider "openai" is not available in this version');
    expect(llmConfig(file).models[0].llm).toBeDefined();
  });

  test('api_version (Azure-style endpoints) is read for openai-compatible models, and refused with a hint on openai ones', () => {
    const dir = tmp();
    const ok = llmConfig(write(join(dir, 'ok.yaml'), ['models:', '  - { id: "openai-compatible:my-deployment", base_url: "https://res.example/openai", api_key_env: AZ_KEY, api_version: "2024-10-21" }']));
    expect(ok.models[0].llm).toMatchObject({ apiVersion: '2024-10-21', apiKeyEnv: 'AZ_KEY' });
    const lines = ['models:', '  - { id: "openai:gpt-5", api_version: "2024-10-21" }'];
    const file = write(join(dir, 'dualgauge.config.yaml'), lines);
    const p = problemWith(validationError(() => llmConfig(file)), 'api_version');
    expect(p.hint).toContain('openai-compatible');
  });

  test('string forms get the defaults: chat API, the vendor key variable, limits, no prices', () => {
    const file = write(join(tmp(), 'dualgauge.config.yaml'), ['models: [openai:gpt-5, anthropic:claude-sonnet-4-5]']);
    const [oa, an] = llmConfig(file).models;
    expect(oa).toEqual({
      id: 'openai:gpt-5',
      provider: 'openai',
      target: 'gpt-5',
      label: 'openai:gpt-5',
      llm: {
        provider: 'openai',
        model: 'gpt-5',
        api: 'chat',
        baseURL: null,
        apiKeyEnv: 'OPENAI_API_KEY',
        apiVersion: null,
        sampling: {},
        timeoutMs: LLM_DEFAULTS.timeoutMs,
        maxRetries: LLM_DEFAULTS.maxRetries,
        concurrency: LLM_DEFAULTS.concurrency,
        rpm: null,
        tpm: null,
        prices: null,
        templatesDir: null,
      },
    });
    // Anthropic needs max_tokens: the default is resolved here, so the cache key holds what is sent.
    expect(an.llm).toMatchObject({ api: 'messages', apiKeyEnv: 'ANTHROPIC_API_KEY', sampling: { maxTokens: LLM_DEFAULTS.anthropicMaxTokens } });
  });

  test('every setting of a map entry is read, paths relative to the config file', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'prompts-x'));
    const file = write(join(dir, 'dualgauge.config.yaml'), [
      'models:',
      '  - id: openai:o4-mini',
      '    label: o4',
      '    n: 5',
      '    api: responses',
      '    reasoning_effort: high',
      '    max_tokens: 4000',
      '    temperature: 1',
      '    top_p: 0.5',
      '    timeout_ms: 120000',
      '    max_retries: 6',
      '    concurrency: 8',
      '    rpm: 500',
      '    tpm: 200000',
      '    prices: { input_per_mtok: 1.1, output_per_mtok: 4.4 }',
      '    templates: prompts-x',
      '    api_key_env: MY_OPENAI_KEY',
      '  - { id: anthropic:claude-opus-4-5, thinking: { budget_tokens: 4096 }, max_tokens: 16000, reasoning_effort: max }',
      '  - { id: anthropic:claude-haiku-4-5, thinking: false }',
      '  - { id: "openai-compatible:llama3.1:8b", base_url: "http://127.0.0.1:11434/v1", seed: 7 }',
    ]);
    const [o4, opus, haiku, local] = llmConfig(file).models;
    expect(o4).toMatchObject({ label: 'o4', n: 5 });
    expect(o4.llm).toEqual({
      provider: 'openai',
      model: 'o4-mini',
      api: 'responses',
      baseURL: null,
      apiKeyEnv: 'MY_OPENAI_KEY',
      apiVersion: null,
      sampling: { reasoningEffort: 'high', maxTokens: 4000, temperature: 1, topP: 0.5 },
      timeoutMs: 120_000,
      maxRetries: 6,
      concurrency: 8,
      rpm: 500,
      tpm: 200_000,
      prices: { inputPerMTok: 1.1, outputPerMTok: 4.4 },
      templatesDir: join(dir, 'prompts-x'),
    });
    expect(opus.llm?.sampling).toEqual({ thinking: { budgetTokens: 4096 }, maxTokens: 16_000, reasoningEffort: 'max' });
    expect(haiku.llm?.sampling).toEqual({ thinking: false, maxTokens: LLM_DEFAULTS.anthropicMaxTokens });
    expect(local).toMatchObject({ provider: 'openai-compatible', target: 'llama3.1:8b' });
    expect(local.llm).toMatchObject({ model: 'llama3.1:8b', api: 'chat', baseURL: 'http://127.0.0.1:11434/v1', apiKeyEnv: null, sampling: { seed: 7 } });
  });

  test('bad values and misspelt keys: each placed at its line:col with a hint, all at once', () => {
    const lines = [
      'models:', // 1
      '  - id: openai:gpt-5', // 2
      '    temperature: 3', // 3  above 2
      '    api: chats', // 4  not chat/responses
      '    tempreature: 0.2', // 5  misspelt
      '    base_url: localhost:8000', // 6  no scheme
      '    api_key_env: my-key', // 7  not a variable name
      '  - { id: anthropic:claude-x, thinking: true }', // 8  neither false, adaptive nor a budget
      '  - { id: anthropic:claude-y, thinking: { budget: 2000 } }', // 9  budget_tokens misspelt
      '  - { id: openai:gpt-y, prices: { input_per_mtok: 1 } }', // 10 output price missing
      '  - { id: openai:gpt-z, concurrency: 0 }', // 11 below 1
    ];
    const file = write(join(tmp(), 'dualgauge.config.yaml'), lines);
    const e = validationError(() => llmConfig(file));
    expect(e.code).toBe('DG_CONFIG_INVALID');
    expect(problemWith(e, 'temperature: must be <= 2').place).toEqual(at(file, lines, 3, '3'));
    expect(problemWith(e, 'api: must be one of "chat", "responses"').place).toEqual(at(file, lines, 4, 'chats'));
    const typo = problemWith(e, 'tempreature');
    expect(typo.place).toEqual(at(file, lines, 5, 'tempreature'));
    expect(typo.hint).toContain('did you mean "temperature"');
    expect(problemWith(e, 'base_url: must match').place).toEqual(at(file, lines, 6, 'localhost'));
    expect(problemWith(e, 'api_key_env: must match').place).toEqual(at(file, lines, 7, 'my-key'));
    const thinking = problemWith(e, 'thinking: does not match any allowed form');
    expect(thinking.place).toEqual(at(file, lines, 8, 'true'));
    expect(thinking.message).toMatch(/false.*adaptive.*a map/);
    const budget = problemWith(e, 'unknown key "budget"');
    expect(budget.place).toEqual(at(file, lines, 9, 'budget'));
    expect(budget.hint).toBe('allowed keys: budget_tokens');
    expect(problemWith(e, 'missing required key "output_per_mtok"').place.line).toBe(10);
    expect(problemWith(e, 'concurrency: must be >= 1').place).toEqual(at(file, lines, 11, '0'));
    for (const p of e.problems) expectFrame(p, lines);
  });

  test('settings a provider cannot honour are errors at the key, with what to do instead', () => {
    const dir = tmp();
    const lines = [
      'models:', // 1
      '  - { id: anthropic:claude-x, temperature: 0.2, seed: 1 }', // 2  Messages API: no temperature, no seed
      '  - { id: openai:gpt-5, thinking: { budget_tokens: 2048 } }', // 3  thinking is Anthropic's
      '  - { id: reference:secure, max_tokens: 100 }', // 4  not an LLM
      '  - { id: openai:gpt-4o, api: responses, seed: 3 }', // 5  Responses has no seed
      '  - { id: anthropic:claude-y, thinking: { budget_tokens: 8000 }, max_tokens: 8000 }', // 6  budget must fit
      '  - { id: anthropic:claude-z, reasoning_effort: minimal }', // 7  not an Anthropic effort
      '  - { id: openai:gpt-4.1, templates: ./no-such-dir }', // 8  missing folder
      '  - openai-compatible:llama', // 9  needs base_url
      '  - { id: "openai-compatible:qwen", api_key_env: QWEN_KEY }', // 10 needs base_url too
    ];
    const file = write(join(dir, 'dualgauge.config.yaml'), lines);
    const e = validationError(() => llmConfig(file));
    const temperature = problemWith(e, '"temperature" does not apply to anthropic');
    expect(temperature.place).toEqual(at(file, lines, 2, 'temperature'));
    expect(temperature.hint).toMatch(/remove it/);
    expect(problemWith(e, '"seed" does not apply to anthropic').place).toEqual(at(file, lines, 2, 'seed'));
    const thinking = problemWith(e, '"thinking" does not apply to openai');
    expect(thinking.place).toEqual(at(file, lines, 3, 'thinking'));
    expect(thinking.hint).toContain('reasoning_effort');
    expect(problemWith(e, '"max_tokens" applies to the LLM providers').place).toEqual(at(file, lines, 4, 'max_tokens'));
    expect(problemWith(e, 'Responses API has no seed').place).toEqual(at(file, lines, 5, 'seed'));
    const budget = problemWith(e, 'must be larger than thinking.budget_tokens');
    expect(budget.place).toEqual(at(file, lines, 6, '8000', 1));
    const effort = problemWith(e, 'reasoning_effort "minimal" is not valid for anthropic models');
    expect(effort.place).toEqual(at(file, lines, 7, 'minimal'));
    expect(effort.hint).toBe('use one of low, medium, high, xhigh, max');
    const templates = problemWith(e, 'prompt templates folder');
    expect(templates.place).toEqual(at(file, lines, 8, './no-such-dir'));
    expect(templates.message).toContain(join(dir, 'no-such-dir'));
    const compat = e.problems.filter((p) => p.message.includes('needs base_url'));
    expect(compat.map((p) => p.place)).toEqual([at(file, lines, 9, 'openai-compatible:llama'), at(file, lines, 10, '"openai-compatible:qwen"')]);
    expect(compat[0].hint).toContain('base_url: http://');
    expect(e.problems).toHaveLength(10);
    for (const p of e.problems) expectFrame(p, lines);
  });

  test('reference and files entries with only id, label and n still load exactly as before', () => {
    const file = write(join(tmp(), 'dualgauge.config.yaml'), ['models:', '  - { id: reference:secure, label: Ref, n: 3 }']);
    expect(llmConfig(file).models).toEqual([{ id: 'reference:secure', provider: 'reference', target: 'secure', label: 'Ref', n: 3 }]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('loadConfig: values and paths', () => {
  test('an empty config gives the documented defaults', () => {
    const dir = tmp();
    const file = write(join(dir, 'dualgauge.config.yaml'), ['# nothing set']);
    const c = loadConfig(file);
    expect(c.file).toBe(file);
    expect(c.dir).toBe(dir);
    expect(c.specGlobs).toEqual(['specs/*/task.yaml']);
    expect(c.languages).toEqual(['python']);
    expect(c.models.map((m) => m.id)).toEqual(['reference:secure', 'reference:insecure']);
    expect(c.n).toBe(1);
    expect(c.k).toEqual([1]);
    expect(c.sandbox).toEqual({ backend: 'bwrap' });
    expect(c.resultsDir).toBe(join(dir, 'results'));
    expect(c.cacheDir).toBe(join(dir, '.dualgauge', 'cache'));
    expect(c.suitesDir).toBe(join(dir, 'suites'));
    expect(c.limits.timeoutMs).toBe(10_000);
    expect(c.audit).toBe('auto');
    expect(c.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('audit: one of auto, security, all, off; anything else is placed and lists the choices', () => {
    const dir = tmp();
    expect(loadConfig(write(join(dir, 'ok.yaml'), ['audit: security'])).audit).toBe('security');
    const lines = ['languages: [python]', 'audit: always'];
    const file = write(join(dir, 'dualgauge.config.yaml'), lines);
    const p = problemWith(validationError(() => loadConfig(file)), 'audit');
    expect(p.place).toMatchObject(at(file, lines, 2, 'always'));
    expect(`${p.message} ${p.hint ?? ''}`).toMatch(/auto.*security.*all.*off/);
  });

  test('budget: a positive number of USD, none by default; zero or a string is placed', () => {
    const dir = tmp();
    expect(loadConfig(write(join(dir, 'none.yaml'), ['languages: [python]'])).budgetUsd).toBeNull();
    expect(loadConfig(write(join(dir, 'ok.yaml'), ['budget: 2.5'])).budgetUsd).toBe(2.5);
    for (const bad of ['0', '"5 USD"']) {
      const lines = ['languages: [python]', `budget: ${bad}`];
      const file = write(join(dir, 'dualgauge.config.yaml'), lines);
      expect(problemWith(validationError(() => loadConfig(file)), 'budget').place).toMatchObject(at(file, lines, 2, bad));
    }
  });

  test('every path is relative to the config file’s folder, not the cwd', () => {
    const dir = tmp();
    const sub = join(dir, 'bench', 'conf');
    mkdirSync(join(sub, 'runs', 'm'), { recursive: true });
    mkdirSync(join(dir, 'bench', 'shared-runs'), { recursive: true });
    const file = write(join(sub, 'dualgauge.config.yaml'), [
      'specs: [../specs/*/task.yaml]',
      'suites: my-suites',
      'results: out/results',
      'cache: ../.cache',
      'models: [files:./runs/m, files:../shared-runs]',
    ]);
    expect(process.cwd()).not.toBe(sub);
    const c = loadConfig(file);
    expect(c.suitesDir).toBe(join(sub, 'my-suites'));
    expect(c.resultsDir).toBe(join(sub, 'out', 'results'));
    expect(c.cacheDir).toBe(join(dir, 'bench', '.cache'));
    // Globs are kept as written; the plugin expands them with cwd = c.dir.
    expect(c.specGlobs).toEqual(['../specs/*/task.yaml']);
    expect(c.dir).toBe(sub);
    expect(c.models.map((m) => m.target)).toEqual(['./runs/m', '../shared-runs']);
  });

  test('cache: false disables the cache', () => {
    const file = write(join(tmp(), 'dualgauge.config.yaml'), ['cache: false']);
    expect(loadConfig(file).cacheDir).toBeNull();
  });

  test('k is sorted; limits map to camelCase with defaults for the rest', () => {
    const file = write(join(tmp(), 'dualgauge.config.yaml'), ['k: [5, 1, 2]', 'limits: { timeout_ms: 2000, memory_mb: 256 }', 'sandbox: { backend: bwrap }']);
    const c = loadConfig(file);
    expect(c.k).toEqual([1, 2, 5]);
    expect(c.limits).toMatchObject({ timeoutMs: 2000, memoryMb: 256, cpuS: 30, processes: 64 });
    expect(c.sandbox.backend).toBe('bwrap');
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('locateConfig', () => {
  test('DUALGAUGE_CONFIG naming a missing file is an error, never a fallback to ./dualgauge.config.yaml', () => {
    const cwd = tmp();
    write(join(cwd, 'dualgauge.config.yaml'), ['n: 1']);
    const missing = join(cwd, 'elsewhere', 'config.yaml');
    const e = dgError(() => locateConfig(cwd, { DUALGAUGE_CONFIG: missing }));
    expect(e.code).toBe('DG_CONFIG_MISSING');
    expect(e.message).toContain(missing);
    expect(e.place).toEqual({ file: missing });
  });

  test('a relative DUALGAUGE_CONFIG resolves against cwd', () => {
    const cwd = tmp();
    const file = write(join(cwd, 'conf', 'bench.yaml'), ['n: 1']);
    expect(locateConfig(cwd, { DUALGAUGE_CONFIG: 'conf/bench.yaml' })).toBe(file);
    expect(locateConfig(cwd, { DUALGAUGE_CONFIG: './conf/bench.yaml' })).toBe(file);
  });

  test('a relative DUALGAUGE_CONFIG that is missing names the resolved path', () => {
    const cwd = tmp();
    const e = dgError(() => locateConfig(cwd, { DUALGAUGE_CONFIG: 'conf/none.yaml' }));
    expect(e.code).toBe('DG_CONFIG_MISSING');
    expect(e.message).toContain(join(cwd, 'conf', 'none.yaml'));
  });

  test('an absolute DUALGAUGE_CONFIG is used as is, whatever the cwd', () => {
    const file = write(join(tmp(), 'x.yaml'), ['n: 1']);
    expect(locateConfig(tmp(), { DUALGAUGE_CONFIG: file })).toBe(file);
  });

  test('without DUALGAUGE_CONFIG: ./dualgauge.config.yaml, or DG_CONFIG_MISSING', () => {
    const cwd = tmp();
    expect(dgError(() => locateConfig(cwd, {})).code).toBe('DG_CONFIG_MISSING');
    const file = write(join(cwd, 'dualgauge.config.yaml'), ['n: 1']);
    expect(locateConfig(cwd, {})).toBe(file);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('suites', () => {
  function config() {
    const dir = tmp();
    const file = write(join(dir, 'dualgauge.config.yaml'), ['languages: [python]', 'models: [reference:secure, reference:insecure]']);
    return { dir, config: loadConfig(file) };
  }

  test('a suite that narrows the config loads', () => {
    const { dir, config: c } = config();
    write(join(dir, 'suites', 'smoke.yaml'), ['specs: [sql-*]', 'languages: [python]', "models: ['reference:*']"]);
    expect(loadSuite(c, 'smoke')).toEqual({
      name: 'smoke',
      file: join(dir, 'suites', 'smoke.yaml'),
      specs: ['sql-*'],
      languages: ['python'],
      models: ['reference:*'],
    });
  });

  test('a suite naming a language or a model not in the config is rejected (a suite never widens)', () => {
    const { dir, config: c } = config();
    const lines = ['specs: [a]', 'languages: [python, javascript]', 'models: [reference:secure, files:./other]'];
    const file = write(join(dir, 'suites', 'wide.yaml'), lines);
    const e = validationError(() => loadSuite(c, 'wide'));
    expect(e.code).toBe('DG_SUITE_INVALID');
    expect(e.problems).toHaveLength(2);
    expect(e.problems[0].place).toEqual(at(file, lines, 2, 'javascript'));
    expect(e.problems[0].message).toContain('"javascript"');
    expect(e.problems[1].place).toEqual(at(file, lines, 3, 'files:./other'));
    expect(e.problems[1].hint).toContain('narrow');
    for (const p of e.problems) expectFrame(p, lines);
  });

  test('a model glob that matches nothing in the config is rejected', () => {
    const { dir, config: c } = config();
    const lines = ['specs: [a]', "models: ['openai:*']"];
    const file = write(join(dir, 'suites', 'x.yaml'), lines);
    // A quoted scalar starts at its opening quote.
    expect(validationError(() => loadSuite(c, 'x')).problems[0].place).toEqual(at(file, lines, 2, "'openai:*'"));
  });

  test('a suite without specs: missing required key', () => {
    const { dir, config: c } = config();
    const lines = ['languages: [python]'];
    write(join(dir, 'suites', 'x.yaml'), lines);
    const e = validationError(() => loadSuite(c, 'x'));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].message).toContain('missing required key "specs"');
    expect(e.problems[0].place.line).toBe(1);
  });

  test('a misspelt key in a suite gets a did-you-mean', () => {
    const { dir, config: c } = config();
    const lines = ['specs: [a]', 'langauges: [python]'];
    const file = write(join(dir, 'suites', 'x.yaml'), lines);
    const p = validationError(() => loadSuite(c, 'x')).problems[0];
    expect(p.place).toEqual(at(file, lines, 2, 'langauges'));
    expect(p.hint).toContain('did you mean "languages"');
  });

  test('.yml works too; an unknown suite name is an error; `dualgauge` is implicit', () => {
    const { dir, config: c } = config();
    write(join(dir, 'suites', 'nightly.yml'), ['specs: ["*"]']);
    expect(loadSuite(c, 'nightly').name).toBe('nightly');
    expect(dgError(() => loadSuite(c, 'weekly')).code).toBe('DG_SUITE_INVALID');
    expect(loadSuite(c, 'dualgauge')).toEqual({ name: 'dualgauge', file: null, specs: ['*'] });
    expect(listSuiteNames(c).sort()).toEqual(['dualgauge', 'nightly']);
  });

  test('suites/dualgauge.yaml overrides the implicit full suite', () => {
    const { dir, config: c } = config();
    write(join(dir, 'suites', 'dualgauge.yaml'), ['specs: [only-this]']);
    expect(loadSuite(c, 'dualgauge').specs).toEqual(['only-this']);
    expect(listSuiteNames(c)).toEqual(['dualgauge']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
/** A valid task; tests copy it and change single lines (line numbers in the comments). */
function baseTask(): string[] {
  return [
    'id: demo', // 1
    'title: Demo task', // 2
    'cwe: [CWE-89]', // 3
    'languages: [python]', // 4
    'prompt: Implement f(a, b).', // 5
    'interface:', // 6
    '  kind: function', // 7
    '  function: f', // 8
    '  params:', // 9
    '    - { name: a, type: string }', // 10
    '    - { name: b, type: int }', // 11
    '  returns: string', // 12
    'functional:', // 13
    '  - id: one', // 14
    '    input: { a: x, b: 1 }', // 15
    '    expect: x1', // 16
    '  - id: two', // 17
    '    input: { a: y, b: 2 }', // 18
    '    expect: { $matches: "^y" }', // 19
    'security:', // 20
    '  - id: inj', // 21
    '    cwe: CWE-89', // 22
    '    input: { a: "\' OR 1=1 --", b: 3 }', // 23
    '    behavior: Binds a as a query parameter.', // 24
    '    detect:', // 25
    '      - sql: { tainted: a }', // 26
  ];
}

function withLines(lines: string[], changes: Record<number, string | string[] | null>): string[] {
  const out: string[] = [];
  lines.forEach((l, i) => {
    const c = changes[i + 1];
    if (c === undefined) out.push(l);
    else if (c === null) return;
    else out.push(...(Array.isArray(c) ? c : [c]));
  });
  return out;
}

function writeTask(lines: string[], folder = 'demo'): string {
  return write(join(tmp(), 'specs', folder, 'task.yaml'), lines);
}

describe('loadTask', () => {
  test('a valid task loads, with each case’s place', () => {
    const file = writeTask(baseTask());
    const t = loadTask(file);
    expect(t.id).toBe('demo');
    expect(t.dir).toBe(dirname(file));
    expect(t.fixturesDir).toBe(join(dirname(file), 'fixtures'));
    expect(t.cases.map((c) => [c.kind, c.id, c.line, c.col])).toEqual([
      ['functional', 'one', 14, 5],
      ['functional', 'two', 17, 5],
      ['security', 'inj', 21, 5],
    ]);
    expect(t.cases[0]).toMatchObject({ hasExpect: true, expect: 'x1', input: { a: 'x', b: 1n }, cwe: [], judge: 'auto' });
    expect(t.cases[2]).toMatchObject({ hasExpect: false, cwe: ['CWE-89'], detect: [{ sql: { tainted: 'a' } }] });
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('expect: null is an expectation (hasExpect), distinct from no expect', () => {
    const t = loadTask(writeTask(withLines(baseTask(), { 16: '    expect: null' })));
    expect(t.cases[0].hasExpect).toBe(true);
    expect(t.cases[0].expect).toBeNull();
  });

  test('id different from the folder name', () => {
    const lines = baseTask();
    const file = writeTask(lines, 'other-name');
    const e = validationError(() => loadTask(file));
    expect(e.code).toBe('DG_SPEC_INVALID');
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].place).toEqual(at(file, lines, 1, 'demo'));
    expect(e.problems[0].message).toContain('"other-name"');
    expectFrame(e.problems[0], lines);
  });

  test('duplicate case ids, within a kind and across kinds', () => {
    const lines = withLines(baseTask(), { 17: '  - id: one', 21: '  - id: one' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems.map((p) => p.place)).toEqual([at(file, lines, 17, 'one'), at(file, lines, 21, 'one')]);
    expect(e.problems[0].message).toContain('"one" is used twice');
  });

  test('an input key that is not a parameter is placed at the key, with the parameters as hint', () => {
    const lines = withLines(baseTask(), { 15: '    input: { a: x, b: 1, c: 3 }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ place: at(file, lines, 15, 'c:'), message: 'input "c" is not a parameter of f', hint: 'parameters: a, b' });
    expectFrame(e.problems[0], lines);
  });

  test('a missing input is placed at the input map', () => {
    const lines = withLines(baseTask(), { 18: '    input: { a: y }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].place).toEqual(at(file, lines, 18, '{'));
    expect(e.problems[0].message).toContain('parameter "b"');
  });

  test('a tainted: key that is not a parameter', () => {
    const lines = withLines(baseTask(), { 26: '      - sql: { tainted: username }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].place).toEqual(at(file, lines, 26, 'username'));
    expect(e.problems[0].message).toContain('"username" is not a parameter');
  });

  test('a tainted: key in an exec detector is checked too', () => {
    const lines = withLines(baseTask(), { 26: '      - exec: { tainted: cmd, shell: true }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems[0].place).toEqual(at(file, lines, 26, 'cmd'));
  });

  test('an invalid regex in $matches of expect', () => {
    const lines = withLines(baseTask(), { 19: '    expect: { $matches: "^(y" }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].place).toEqual(at(file, lines, 19, '"^(y"'));
    expect(e.problems[0].message).toMatch(/^invalid regular expression/);
  });

  test('an invalid regex nested in a list of expect', () => {
    const lines = withLines(baseTask(), { 19: '    expect: [1, { $matches: "[" }]' });
    const file = writeTask(lines);
    expect(validationError(() => loadTask(file)).problems[0].place).toEqual(at(file, lines, 19, '"["'));
  });

  test('an invalid regex in $matches inside expect_subset is caught at load time too', () => {
    const lines = withLines(baseTask(), { 19: '    expect_subset: { name: { $matches: "^(y" } }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].place).toEqual(at(file, lines, 19, '"^(y"'));
  });

  test('an invalid regex in a detector', () => {
    const lines = withLines(baseTask(), { 26: '      - file: { matches: "a(" }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems[0].place).toEqual(at(file, lines, 26, '"a("'));
  });

  test('a functional case that checks nothing', () => {
    const lines = withLines(baseTask(), { 16: null });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    // The case map starts at "id" on line 14.
    expect(e.problems[0].place).toEqual(at(file, lines, 14, 'id'));
    expect(e.problems[0].message).toContain('"one" checks nothing');
  });

  test('a check script that does not exist', () => {
    const lines = withLines(baseTask(), { 16: '    check: { script: checks/prop.py }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems[0].place).toEqual(at(file, lines, 16, 'checks/prop.py'));
  });

  test('four semantic mistakes → four problems at once', () => {
    const lines = withLines(baseTask(), {
      15: '    input: { a: x, b: 1, c: 3 }', // not a parameter
      17: '  - id: one', // duplicate id
      19: '    expect: { $matches: "(" }', // invalid regex
      26: '      - sql: { tainted: nope }', // tainted not a parameter
    });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(4);
    expect(e.problems.map((p) => p.place.line).sort((a, b) => a! - b!)).toEqual([15, 17, 19, 26]);
    expect(e.message).toContain('4 problems');
  });

  test('a misspelt case key gets a did-you-mean: expcet → "expect"', () => {
    const lines = withLines(baseTask(), { 16: '    expcet: x1' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    const p = problemWith(e, 'expcet');
    expect(p.place).toEqual(at(file, lines, 16, 'expcet'));
    expect(p.message).toContain('functional[0]');
    expect(p.hint).toContain('did you mean "expect"');
  });

  test('a missing required top-level key', () => {
    const lines = withLines(baseTask(), { 2: null });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].message).toBe('missing required key "title" at the top level');
    expect(e.problems[0].hint).toBe('add "title:"');
    expect(e.problems[0].place).toEqual({ file, line: 1, col: 1 });
  });

  test('a missing required key in a case is placed at the case', () => {
    const lines = withLines(baseTask(), { 15: null });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    const p = problemWith(e, 'missing required key "input"');
    expect(p.message).toContain('functional[0]');
    expect(p.place).toEqual(at(file, lines, 14, 'id'));
  });

  test('a missing behavior in a security case', () => {
    const lines = withLines(baseTask(), { 24: null });
    const file = writeTask(lines);
    const p = problemWith(validationError(() => loadTask(file)), 'missing required key "behavior"');
    expect(p.place).toEqual(at(file, lines, 21, 'id'));
  });

  test('wrong types and patterns, all reported', () => {
    const lines = withLines(baseTask(), { 3: 'cwe: [CWE89]', 4: 'languages: python', 7: '  kind: program' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems.map((p) => p.place)).toEqual([at(file, lines, 3, 'CWE89'), at(file, lines, 4, 'python'), at(file, lines, 7, 'program')]);
    expect(e.problems[1].message).toBe('languages: must be a list');
  });

  test('an unknown detector kind', () => {
    const lines = withLines(baseTask(), { 26: '      - sqll: { tainted: a }' });
    const file = writeTask(lines);
    const p = problemWith(validationError(() => loadTask(file)), 'sqll');
    expect(p.place).toEqual(at(file, lines, 26, 'sqll'));
    expect(p.hint).toContain('did you mean "sql"');
  });

  test('with two languages, an input key that is not a parameter is reported once', () => {
    const lines = withLines(baseTask(), { 4: 'languages: [python, javascript]', 15: '    input: { a: x, b: 1, c: 3 }' });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].place).toEqual(at(file, lines, 15, 'c:'));
  });

  test('an interface mistake (result.param not a parameter) is reported once, not once per case', () => {
    const lines = withLines(baseTask(), { 12: ['  returns: void', '  result: { param: nope }'] });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].message).toContain('"nope"');
    expect(e.problems[0].place.line).toBe(13);
  });

  test('a length_of naming no parameter (in a per-language override) is reported once, at that value', () => {
    // python calls the function with one parameter only: case inputs still name a and b (known to the interface).
    const lines = withLines(baseTask(), {
      12: ['  returns: string', '  per_language:', '    python:', '      params: [{ name: a, type: string }, { name: n, value: { length_of: zz } }]'],
    });
    const file = writeTask(lines);
    const e = validationError(() => loadTask(file));
    expect(e.problems).toHaveLength(1);
    // The place is the offending length_of value (line 15), not the top of the interface block.
    expect(problemWith(e, 'length of "zz"').place).toEqual(at(file, lines, 15, 'zz'));
  });
});
