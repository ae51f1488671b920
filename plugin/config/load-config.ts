/** Finding, parsing and validating dualgauge.config.yaml and suites/*.yaml. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { DualGaugeError, ValidationError, type Problem } from '../errors.js';
import { matchesAny } from './globs.js';
import { closest, validateAgainst } from './schema-validate.js';
import { problemAt, readYaml, toPlain, type YamlSource } from './yaml-source.js';
import { DEFAULT_LIMITS, LLM_DEFAULTS, LLM_PROVIDERS, REASONING_EFFORTS, type AuditMode, type LanguageName, type LlmProvider, type LlmSettings, type Limits, type ModelSpec, type Prices, type ReasoningEffort, type RunConfig, type Sampling, type SuiteSpec } from './types.js';

export const CONFIG_FILE = 'dualgauge.config.yaml';
/**
 * Providers a run can use: the task's references, replays, and the LLM providers (docs/providers.md). Planned
 * ones (agents) are config errors, not silent skips. A caller that cannot run LLM providers may narrow the list
 * with `{ providers: KNOWN_PROVIDERS }`.
 */
export const KNOWN_PROVIDERS = ['reference', 'files'] as const;
export const ALL_PROVIDERS: readonly string[] = [...KNOWN_PROVIDERS, ...LLM_PROVIDERS];
const PLANNED_PROVIDERS = ['openai', 'anthropic', 'openai-compatible', 'agent'];

export interface LoadConfigOptions {
  /** Providers the caller can run (default ALL_PROVIDERS); any other is reported as not available. */
  providers?: readonly string[];
}

/** Where the config is: $DUALGAUGE_CONFIG (absolute or cwd-relative) or ./dualgauge.config.yaml. */
export function locateConfig(cwd = process.cwd(), env = process.env): string {
  const named = env.DUALGAUGE_CONFIG;
  if (named) {
    const file = isAbsolute(named) ? named : resolve(cwd, named);
    if (!existsSync(file)) {
      throw new DualGaugeError('DG_CONFIG_MISSING', `DUALGAUGE_CONFIG names ${file}, which does not exist`, {
        place: { file },
        hint: 'fix the path in DUALGAUGE_CONFIG or unset it to use ./dualgauge.config.yaml',
      });
    }
    return file;
  }
  const file = resolve(cwd, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new DualGaugeError('DG_CONFIG_MISSING', `no ${CONFIG_FILE} in ${cwd}`, {
      place: { file },
      hint: `create ${CONFIG_FILE} (see the README) or set DUALGAUGE_CONFIG to its path`,
    });
  }
  return file;
}

interface RawConfig {
  specs?: string[];
  suites?: string;
  languages?: LanguageName[];
  models?: (string | { id: string; label?: string; n?: number; [setting: string]: unknown })[];
  n?: number;
  k?: number[];
  sandbox?: string | { backend: string };
  limits?: Record<string, number>;
  results?: string;
  cache?: string | false;
  audit?: AuditMode;
  budget?: number;
  thresholds?: { metric: string; model?: string; language?: LanguageName; min: number }[];
}

export function loadConfig(file: string, opts: LoadConfigOptions = {}): RunConfig {
  const providers = opts.providers ?? ALL_PROVIDERS;
  const src = readYaml(file, 'DG_CONFIG_INVALID');
  const problems = src.data === null || src.data === undefined ? [] : validateAgainst('config', src);
  const raw = (toPlain(src.data) ?? {}) as RawConfig;
  const dir = dirname(file);
  // Semantic checks run even when the schema failed, so one pass reports every problem.
  const models = (Array.isArray(raw.models) ? raw.models : raw.models === undefined ? ['reference:secure', 'reference:insecure'] : [])
    .map((m, i) => {
      const id = typeof m === 'string' ? m : (m as { id?: unknown } | null)?.id;
      return typeof id === 'string' && /^[a-z][a-z0-9-]*:.+$/.test(id) ? parseModel(src, m, i, dir, problems, providers) : null;
    })
    .filter((m): m is ModelSpec => m !== null);
  const backend = (typeof raw.sandbox === 'string' ? raw.sandbox : raw.sandbox?.backend ?? 'bwrap') as 'bwrap' | 'docker';
  if (backend === 'docker') {
    problems.push(problemAt(src, ['sandbox'], 'sandbox backend "docker" is not available in this version', { hint: 'use "bwrap" (the default)' }));
  }
  const seen = new Set<string>();
  for (const [i, m] of models.entries()) {
    if (seen.has(m.id)) problems.push(problemAt(src, ['models', i], `model "${m.id}" is listed twice`, { hint: 'remove one, or give them distinct ids' }));
    seen.add(m.id);
  }
  if (problems.length) throw new ValidationError('DG_CONFIG_INVALID', `invalid config ${file}`, sortProblems(problems));
  const l = raw.limits ?? {};
  const limits: Limits = {
    timeoutMs: l.timeout_ms ?? DEFAULT_LIMITS.timeoutMs,
    cpuS: l.cpu_s ?? DEFAULT_LIMITS.cpuS,
    memoryMb: l.memory_mb ?? DEFAULT_LIMITS.memoryMb,
    processes: l.processes ?? DEFAULT_LIMITS.processes,
    openFiles: l.open_files ?? DEFAULT_LIMITS.openFiles,
    outputBytes: l.output_bytes ?? DEFAULT_LIMITS.outputBytes,
    diskMb: l.disk_mb ?? DEFAULT_LIMITS.diskMb,
    diskInodes: l.disk_inodes ?? DEFAULT_LIMITS.diskInodes,
  };
  return {
    file,
    dir,
    specGlobs: raw.specs ?? ['specs/*/task.yaml'],
    suitesDir: resolve(dir, raw.suites ?? 'suites'),
    languages: raw.languages ?? ['python'],
    models,
    n: raw.n ?? 1,
    k: [...(raw.k ?? [1])].sort((a, b) => a - b),
    sandbox: { backend },
    limits,
    audit: raw.audit ?? 'auto',
    budgetUsd: raw.budget ?? null,
    resultsDir: resolve(dir, raw.results ?? 'results'),
    cacheDir: raw.cache === false ? null : resolve(dir, raw.cache ?? '.dualgauge/cache'),
    thresholds: raw.thresholds ?? [],
    hash: createHash('sha256').update(src.text).digest('hex'),
  };
}

function parseModel(
  src: YamlSource,
  m: RawConfig['models'] extends (infer T)[] | undefined ? T : never,
  i: number,
  dir: string,
  problems: Problem[],
  providers: readonly string[],
): ModelSpec {
  const entry: Record<string, unknown> & { id: string; label?: string; n?: number } = typeof m === 'string' ? { id: m } : m;
  const path = typeof m === 'string' ? ['models', i] : ['models', i, 'id'];
  const colon = entry.id.indexOf(':');
  const provider = entry.id.slice(0, colon);
  const target = entry.id.slice(colon + 1);
  const available = [...providers];
  if (!providers.includes(provider)) {
    const planned = PLANNED_PROVIDERS.includes(provider);
    const guess = closest(provider, available);
    problems.push(
      problemAt(src, path, planned ? `provider "${provider}" is not available in this version` : `unknown provider "${provider}"`, {
        hint: guess && !planned ? `did you mean "${guess}:"? available: ${available.join(', ')}` : `available providers: ${available.join(', ')}`,
      }),
    );
  } else if (provider === 'reference' && target !== 'secure' && target !== 'insecure') {
    problems.push(problemAt(src, path, `reference model must be "reference:secure" or "reference:insecure", not "${entry.id}"`));
  } else if (provider === 'files') {
    const root = resolve(dir, target);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      problems.push(problemAt(src, path, `replay folder ${root} does not exist`, { hint: 'files:<dir> needs <dir>/<task-id>/<language>/<i>.<ext> (see the README)' }));
    }
  }
  // Settings are checked whether or not the provider is runnable here, so one pass reports every problem.
  const llm = parseLlmSettings(src, entry, path, i, provider, target, dir, problems);
  const spec: ModelSpec = { id: entry.id, provider, target, label: entry.label ?? entry.id, n: entry.n };
  if (llm) spec.llm = llm;
  return spec;
}

/** Keys of a model map that only an LLM provider reads; elsewhere they would be silently ignored, so they are errors. */
const LLM_KEYS = ['api', 'reasoning_effort', 'thinking', 'temperature', 'top_p', 'max_tokens', 'seed', 'base_url', 'api_key_env', 'api_version', 'timeout_ms', 'max_retries', 'concurrency', 'rpm', 'tpm', 'prices', 'templates'];
/** Keys one LLM provider cannot honour, with what to do instead. */
const NOT_FOR: Record<LlmProvider, Record<string, string>> = {
  openai: { thinking: 'OpenAI reasoning models take reasoning_effort instead', api_version: 'an Azure-style endpoint is an openai-compatible model: { id: openai-compatible:<deployment>, base_url: ..., api_version: ... }' },
  'openai-compatible': { thinking: 'use reasoning_effort where the server supports it' },
  // The Messages API version of the SDK in use (2026-10-21) takes no sampling parameters.
  anthropic: {
    api: 'anthropic models always use the Messages API',
    api_version: 'api_version is for Azure-style OpenAI endpoints (openai-compatible models)',
    seed: 'the Messages API has no seed: remove it',
    temperature: 'the Messages API takes no temperature: remove it (steer with thinking or reasoning_effort)',
    top_p: 'the Messages API takes no top_p: remove it (steer with thinking or reasoning_effort)',
  },
};
const OPENAI_EFFORTS: ReasoningEffort[] = [...REASONING_EFFORTS];
const EFFORTS: Record<LlmProvider, ReasoningEffort[]> = { openai: OPENAI_EFFORTS, 'openai-compatible': OPENAI_EFFORTS, anthropic: ['low', 'medium', 'high', 'xhigh', 'max'] };
const DEFAULT_KEY_ENV: Record<LlmProvider, string | null> = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY', 'openai-compatible': null };

/**
 * The settings of an LLM model entry, with defaults applied; problems (placed at the offending key or value) are
 * pushed for settings a provider cannot honour. Values of the wrong type were reported by the schema and are
 * ignored here. Returns undefined for non-LLM providers.
 */
function parseLlmSettings(
  src: YamlSource,
  raw: Record<string, unknown>,
  idPath: (string | number)[],
  i: number,
  provider: string,
  target: string,
  dir: string,
  problems: Problem[],
): LlmSettings | undefined {
  const at = (key: string, message: string, hint: string, onKey = false) => problems.push(problemAt(src, ['models', i, key], message, { key: onKey, hint }));
  const present = LLM_KEYS.filter((k) => raw[k] !== undefined);
  if (!(LLM_PROVIDERS as readonly string[]).includes(provider)) {
    for (const k of present) at(k, `"${k}" applies to the LLM providers (${LLM_PROVIDERS.join(', ')}), not to ${provider}: models`, 'remove it', true);
    return undefined;
  }
  const p = provider as LlmProvider;
  for (const k of present) if (NOT_FOR[p][k]) at(k, `"${k}" does not apply to ${p} models`, NOT_FOR[p][k], true);
  const num = (k: string) => (typeof raw[k] === 'number' ? (raw[k] as number) : undefined);
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);

  const effort = str('reasoning_effort') as ReasoningEffort | undefined;
  if (effort && !EFFORTS[p].includes(effort) && OPENAI_EFFORTS.includes(effort)) {
    at('reasoning_effort', `reasoning_effort "${effort}" is not valid for ${p} models`, `use one of ${EFFORTS[p].join(', ')}`);
  }
  const t = raw.thinking as { budget_tokens?: unknown } | false | 'adaptive' | undefined;
  const budget = t && typeof t === 'object' && typeof t.budget_tokens === 'number' ? t.budget_tokens : undefined;
  const thinking: Sampling['thinking'] = t === false || t === 'adaptive' ? t : budget !== undefined ? { budgetTokens: budget } : undefined;
  let maxTokens = num('max_tokens');
  if (p === 'anthropic' && budget !== undefined && maxTokens !== undefined && maxTokens <= budget) {
    // The Messages API refuses this; saying so here beats a 400 on every sample.
    at('max_tokens', `max_tokens (${maxTokens}) must be larger than thinking.budget_tokens (${budget})`, 'the budget is part of max_tokens: raise max_tokens or lower the budget');
  }
  // Anthropic requires max_tokens; the default is resolved here so that the cache key holds the value sent.
  if (p === 'anthropic' && maxTokens === undefined) maxTokens = LLM_DEFAULTS.anthropicMaxTokens + (budget ?? 0);
  const api = p === 'anthropic' ? 'messages' : ((str('api') ?? 'chat') as 'chat' | 'responses');
  if (api === 'responses' && raw.seed !== undefined) at('seed', 'the Responses API has no seed', 'use api: chat, or remove seed', true);

  const baseURL = str('base_url') ?? null;
  if (p === 'openai-compatible' && raw.base_url === undefined) {
    problems.push(problemAt(src, idPath, `openai-compatible:${target} needs base_url`, {
      hint: `write it as a map: { id: openai-compatible:${target}, base_url: http://127.0.0.1:8000/v1 } (plus api_key_env if the server wants a key)`,
    }));
  }
  let templatesDir: string | null = null;
  const templates = str('templates');
  if (templates !== undefined) {
    templatesDir = resolve(dir, templates);
    if (!existsSync(templatesDir) || !statSync(templatesDir).isDirectory()) {
      at('templates', `prompt templates folder ${templatesDir} does not exist`, 'a folder laid out like prompts/ (system.hbs, user.hbs, languages/<lang>.hbs), relative to the config file');
    }
  }
  const pr = raw.prices as { input_per_mtok?: unknown; output_per_mtok?: unknown } | undefined;
  const prices: Prices | null =
    pr && typeof pr.input_per_mtok === 'number' && typeof pr.output_per_mtok === 'number' ? { inputPerMTok: pr.input_per_mtok, outputPerMTok: pr.output_per_mtok } : null;

  const sampling: Sampling = {};
  if (num('temperature') !== undefined) sampling.temperature = num('temperature');
  if (num('top_p') !== undefined) sampling.topP = num('top_p');
  if (maxTokens !== undefined) sampling.maxTokens = maxTokens;
  if (num('seed') !== undefined && Number.isInteger(num('seed'))) sampling.seed = num('seed');
  if (effort) sampling.reasoningEffort = effort;
  if (thinking !== undefined) sampling.thinking = thinking;
  return {
    provider: p,
    model: target,
    api,
    baseURL,
    apiKeyEnv: str('api_key_env') ?? DEFAULT_KEY_ENV[p],
    apiVersion: p === 'openai-compatible' ? (str('api_version') ?? null) : null,
    sampling,
    timeoutMs: num('timeout_ms') ?? LLM_DEFAULTS.timeoutMs,
    maxRetries: num('max_retries') ?? LLM_DEFAULTS.maxRetries,
    concurrency: num('concurrency') ?? LLM_DEFAULTS.concurrency,
    rpm: num('rpm') ?? null,
    tpm: num('tpm') ?? null,
    prices,
    templatesDir,
  };
}

/** Suites: every suites/<name>.yaml, plus the implicit full suite `dualgauge` unless a file defines it. */
export function listSuiteNames(config: Pick<RunConfig, 'suitesDir'>): string[] {
  const names = existsSync(config.suitesDir)
    ? readdirSync(config.suitesDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, ''))
    : [];
  return [...new Set(['dualgauge', ...names])];
}

export function loadSuite(config: RunConfig, name: string): SuiteSpec {
  const file = ['yaml', 'yml'].map((ext) => resolve(config.suitesDir, `${name}.${ext}`)).find((f) => existsSync(f));
  if (!file) {
    if (name === 'dualgauge') return { name, file: null, specs: ['*'] };
    throw new DualGaugeError('DG_SUITE_INVALID', `no suite file for project "${name}" in ${config.suitesDir}`, { hint: `create suites/${name}.yaml` });
  }
  const src = readYaml(file, 'DG_SUITE_INVALID');
  const problems = validateAgainst('suite', src);
  const raw = (toPlain(src.data) ?? {}) as { specs: string[]; languages?: LanguageName[]; models?: string[] };
  {
    // A suite narrows the config, never widens it (checked even when the schema failed).
    for (const [i, lang] of (Array.isArray(raw.languages) ? raw.languages : []).entries()) {
      if (typeof lang === 'string' && ['python', 'javascript', 'cpp'].includes(lang) && !config.languages.includes(lang)) problems.push(problemAt(src, ['languages', i], `language "${lang}" is not in the config's languages (${config.languages.join(', ')})`, { hint: 'a suite can only narrow the config' }));
    }
    for (const [i, pat] of (Array.isArray(raw.models) ? raw.models : []).entries()) {
      if (typeof pat === 'string' && !config.models.some((m) => matchesAny(m.id, [pat]))) problems.push(problemAt(src, ['models', i], `model "${pat}" matches no model of the config (${config.models.map((m) => m.id).join(', ')})`, { hint: 'a suite can only narrow the config' }));
    }
  }
  if (problems.length) throw new ValidationError('DG_SUITE_INVALID', `invalid suite ${file}`, sortProblems(problems));
  return { name: basename(file).replace(/\.ya?ml$/, ''), file, specs: raw.specs, languages: raw.languages, models: raw.models };
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.place.line ?? 0) - (b.place.line ?? 0) || (a.place.col ?? 0) - (b.place.col ?? 0));
}
