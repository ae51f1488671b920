/** Finding, parsing and validating dualgauge.config.yaml and suites/*.yaml. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { DualGaugeError, ValidationError, type Problem } from '../errors.js';
import { matchesAny } from './globs.js';
import { closest, validateAgainst } from './schema-validate.js';
import { problemAt, readYaml, toPlain, type YamlSource } from './yaml-source.js';
import { DEFAULT_LIMITS, type AuditMode, type LanguageName, type Limits, type ModelSpec, type RunConfig, type SuiteSpec } from './types.js';

export const CONFIG_FILE = 'dualgauge.config.yaml';
/** Providers that exist in this version; others are config errors, not silent skips. */
export const KNOWN_PROVIDERS = ['reference', 'files'] as const;
const PLANNED_PROVIDERS = ['openai', 'anthropic', 'openai-compatible', 'agent'];

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
  models?: (string | { id: string; label?: string; n?: number })[];
  n?: number;
  k?: number[];
  sandbox?: string | { backend: string };
  limits?: Record<string, number>;
  results?: string;
  cache?: string | false;
  audit?: AuditMode;
  thresholds?: { metric: string; model?: string; language?: LanguageName; min: number }[];
}

export function loadConfig(file: string): RunConfig {
  const src = readYaml(file, 'DG_CONFIG_INVALID');
  const problems = src.data === null || src.data === undefined ? [] : validateAgainst('config', src);
  const raw = (toPlain(src.data) ?? {}) as RawConfig;
  const dir = dirname(file);
  // Semantic checks run even when the schema failed, so one pass reports every problem.
  const models = (Array.isArray(raw.models) ? raw.models : raw.models === undefined ? ['reference:secure', 'reference:insecure'] : [])
    .map((m, i) => {
      const id = typeof m === 'string' ? m : (m as { id?: unknown } | null)?.id;
      return typeof id === 'string' && /^[a-z][a-z0-9-]*:.+$/.test(id) ? parseModel(src, m, i, dir, problems) : null;
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
    resultsDir: resolve(dir, raw.results ?? 'results'),
    cacheDir: raw.cache === false ? null : resolve(dir, raw.cache ?? '.dualgauge/cache'),
    thresholds: raw.thresholds ?? [],
    hash: createHash('sha256').update(src.text).digest('hex'),
  };
}

function parseModel(src: YamlSource, m: RawConfig['models'] extends (infer T)[] | undefined ? T : never, i: number, dir: string, problems: Problem[]): ModelSpec {
  const entry = typeof m === 'string' ? { id: m } : m;
  const path = typeof m === 'string' ? ['models', i] : ['models', i, 'id'];
  const colon = entry.id.indexOf(':');
  const provider = entry.id.slice(0, colon);
  const target = entry.id.slice(colon + 1);
  if (!(KNOWN_PROVIDERS as readonly string[]).includes(provider)) {
    const planned = PLANNED_PROVIDERS.includes(provider);
    const guess = closest(provider, [...KNOWN_PROVIDERS]);
    problems.push(
      problemAt(src, path, planned ? `provider "${provider}" is not available in this version` : `unknown provider "${provider}"`, {
        hint: guess && !planned ? `did you mean "${guess}:"? available: ${KNOWN_PROVIDERS.join(', ')}` : `available providers: ${KNOWN_PROVIDERS.join(', ')}`,
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
  return { id: entry.id, provider, target, label: entry.label ?? entry.id, n: entry.n };
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
