/**
 * `dualgauge()`: the Vitest project factory. One project per suite (`dualgauge` = every task), each with a
 * transform that compiles task.yaml into a suite module; configureVitest validates everything, hands the run
 * plan to workers and injects the result and exit-policy reporters.
 */
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import type { Plugin } from 'vite';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import type { Vitest } from 'vitest/node';
import { listSuiteNames, loadConfig, loadSuite, locateConfig } from './config/load-config.js';
import { matchesAny } from './config/globs.js';
import { DualGaugeError } from './errors.js';
import { availableLanguages } from './languages/index.js';
import { checkBwrap } from './sandbox/bwrap.js';
import { dualgaugePool } from './pool/pool-worker.js';
import { sweepLeftovers } from './sandbox/teardown.js';
import { compileSuite } from './spec/compile-suite.js';
import { makeRunId, sha256 } from './results/store.js';
import type { LanguageName, RunConfig } from './config/types.js';
import { GenerationCache } from './generation/generation-cache.js';
import { resolveModelKey } from './generation/providers/common.js';
import { progressPrinter } from './generation/progress.js';
import { startGenerationService } from './generation/service.js';
import { getLanguage, runLanguages } from './languages/index.js';
import { ownScratchDir } from './sandbox/scratch.js';
import { loadTask } from './spec/load-task.js';
import type { Task } from './spec/task.js';
import { ExitPolicyReporter } from '../reporters/exit-policy.js';
import { ResultsReporter } from '../reporters/results-reporter.js';
import type { ProvidedRun } from './runtime/provided.js';
import { globSync } from 'tinyglobby';

export type { ProvidedRun } from './runtime/provided.js';
export { DualGaugeError } from './errors.js';

export interface DualGaugeOptions {
  /** Path of the config file (default: $DUALGAUGE_CONFIG or ./dualgauge.config.yaml). */
  config?: string;
}

const SPEC_FILTER = /\/specs\/[^/]+\/task\.ya?ml$/;

interface FactoryState {
  configFile: string | null;
  config: RunConfig | null;
  error: DualGaugeError | null;
}

/** Shared by every project of one Vitest instance: one run id, one set of injected reporters. */
const runs = new WeakMap<Vitest, { runId: string; results: ResultsReporter | null; exit: ExitPolicyReporter; generation: ProvidedRun['generation'] }>();

export function dualgauge(options: DualGaugeOptions = {}): TestProjectInlineConfiguration[] {
  const state: FactoryState = { configFile: null, config: null, error: null };
  try {
    state.configFile = options.config ?? locateConfig();
    state.config = loadConfig(state.configFile);
    const missing = state.config.languages.filter((l) => !availableLanguages().includes(l));
    if (missing.length) {
      throw new DualGaugeError('DG_CONFIG_INVALID', `${state.configFile}: language${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not available in this version`, { hint: `available: ${availableLanguages().join(', ')}` });
    }
  } catch (e) {
    state.error = e instanceof DualGaugeError ? e : new DualGaugeError('DG_INTERNAL', String((e as Error)?.stack ?? e));
  }
  const dir = state.config?.dir ?? (state.configFile ? dirname(state.configFile) : process.cwd());
  const suiteNames = state.config ? listSuiteNames(state.config) : ['dualgauge'];
  const specFiles = state.config ? globSync(state.config.specGlobs, { cwd: dir, absolute: true }).filter((f) => SPEC_FILTER.test(f)).sort() : [];
  const cweTags = new Set<string>();
  for (const f of specFiles) for (const m of readFileSync(f, 'utf8').matchAll(/CWE-(\d+)/g)) cweTags.add(`cwe-${m[1]}`);
  const tags = [
    ...['python', 'javascript', 'cpp'].map((name) => ({ name, description: `${name} candidates` })),
    { name: 'functional', description: 'functional cases (exact output match)' },
    { name: 'security', description: 'security cases (detectors, expectations, judge)' },
    ...[...cweTags].sort().map((name) => ({ name, description: `tasks or cases about ${name.toUpperCase()}` })),
  ];
  return suiteNames.map((name) => ({
    plugins: [suitePlugin(state, name, specFiles)],
    test: {
      name,
      root: dir,
      include: specFiles.length ? specFiles.map((f) => relative(dir, f)) : ['specs/*/task.yaml'],
      tags,
      // DUALGAUGE_POOL=forks: Vitest's stock pool (full host env in workers, no exit cleanup), for comparison
      // benchmarks (npm run bench:sandbox) and for bisecting a pool problem. The sandbox is the same.
      pool: process.env.DUALGAUGE_POOL === 'forks' ? 'forks' : dualgaugePool(),
      testTimeout: 600_000,
      hookTimeout: 600_000,
      // Each spec file is independent; the worker keeps its sandbox and caches across files.
      isolate: false,
    },
  }));
}

function suitePlugin(state: FactoryState, suiteName: string, specFiles: string[]): Plugin {
  return {
    name: `dualgauge:${suiteName}`,
    transform: {
      filter: { id: SPEC_FILTER },
      handler(code, id) {
        const file = id.split('?')[0];
        const { code: js, map } = compileSuite(file, code, state.config?.dir ?? process.cwd());
        return { code: js, map: JSON.stringify(map), moduleType: 'js' };
      },
    },
    async configureVitest({ project, vitest }) {
      if (state.error) throw state.error;
      const config = state.config!;
      const suite = loadSuite(config, suiteName);
      const ids = specFiles.map((f) => basename(dirname(f)));
      const selected = specFiles.filter((_f, i) => matchesAny(ids[i], suite.specs));
      if (!selected.length) {
        throw new DualGaugeError('DG_SUITE_INVALID', `suite "${suiteName}" selects no task (specs: ${suite.specs.join(', ')}; tasks: ${ids.join(', ') || 'none'})`, { hint: 'check the task ids in the suite file and the config\'s specs globs' });
      }
      project.config.include = selected.map((f) => relative(config.dir, f));
      // Vitest's default is one worker less than the cores (1 on 2 cores); ours mostly wait on their sandboxes,
      // where the work happens, so one per core. `--maxWorkers` still decides when given.
      project.config.maxWorkers = vitest.config.maxWorkers ?? Math.max(availableParallelism(), 2);
      let run = runs.get(vitest);
      if (!run) {
        if (!vitest.config.mergeReports) checkBwrap();
        // The plan: config, selected projects, specs, and the CLI's filters and shard.
        const c = vitest.config;
        const planHash = sha256(JSON.stringify({ config: config.hash, projects: c.project, specs: selected.map((f) => sha256(readFileSync(f))), t: String(c.testNamePattern ?? ''), tags: c.tagsFilter ?? null, shard: c.shard ?? null }));
        const blob = (vitest.config.reporters ?? []).some((r) => (Array.isArray(r) ? r[0] : r) === 'blob');
        const exit = new ExitPolicyReporter(config);
        // Blob shards leave the summary to the merge step (CONTRACTS.md "Result files").
        const runId = freeRunId(config.resultsDir, planHash);
        const results = blob ? null : new ResultsReporter(config, runId, !!vitest.config.mergeReports);
        // LLM models: the generation service runs here, where the API keys are (workers never get them).
        const generation = vitest.config.mergeReports ? null : await startGeneration(config, specFiles, results);
        run = { runId, results, exit, generation };
        runs.set(vitest, run);
        (vitest.config.reporters as unknown[]).push(exit);
        if (results) (vitest.config.reporters as unknown[]).push(results);
        // What a killed run left (scratch dirs, cgroups); live runs' leftovers are theirs and are skipped.
        if (!vitest.config.mergeReports) await sweepLeftovers();
      }
      run.exit.addProject(project.name);
      run.results?.addProject(project.name);
      const provided: ProvidedRun = { config, suite, runId: run.runId, runDir: `${config.resultsDir}/${run.runId}`, generation: run.generation };
      project.provide('dualgauge', provided);
    },
  };
}

/**
 * Start the generation service when the run has LLM models; the results reporter reports its totals and
 * closes it at the end. Models whose API key is missing are skipped, each with one line saying why.
 */
async function startGeneration(config: RunConfig, specFiles: string[], results: ResultsReporter | null): Promise<ProvidedRun['generation']> {
  const llm = config.models.filter((m) => m.llm);
  if (!llm.length) return null;
  const skipped: Record<string, string> = {};
  for (const m of llm) {
    const key = resolveModelKey(m, process.env);
    if ('skip' in key && key.skip) skipped[m.id] = key.skip;
  }
  const files = new Map(specFiles.map((f) => [basename(dirname(f)), f]));
  const tasks = new Map<string, Task>();
  const loadTaskById = (id: string): Task => {
    let t = tasks.get(id);
    if (!t) {
      const file = files.get(id);
      if (!file) throw new DualGaugeError('DG_INTERNAL', `no task ${id} in this run`);
      tasks.set(id, (t = loadTask(file)));
    }
    return t;
  };
  // The socket's private dir goes in this process's scratch dir (swept if we are killed); the service removes
  // its own dir on close, and the scratch dir goes at exit when nothing else is in it.
  const scratch = ownScratchDir();
  process.once('exit', () => {
    try {
      rmdirSync(scratch);
    } catch {
      /* not empty (a sandbox of ours left something) or gone: the sweep of the next run decides */
    }
  });
  const service = await startGenerationService({
    models: llm,
    env: process.env,
    cache: new GenerationCache(config.cacheDir),
    budgetUsd: config.budgetUsd,
    dir: scratch,
    language: (name) => getLanguage(name as LanguageName) ?? undefined,
    loadTask: (id) => loadTaskById(id),
  });
  // What the run will ask for, for the progress line: every live LLM model × task × language × n (a filtered
  // run asks for less, so the line may end below it).
  let total = 0;
  for (const [id] of files) {
    const task = loadTaskById(id);
    const langs = runLanguages(config.languages, task).length;
    for (const m of llm) if (!skipped[m.id]) total += langs * (m.n ?? config.n);
  }
  service.onProgress(progressPrinter());
  service.announce(total);
  results?.attachGeneration(service, skipped);
  if (!results) process.once('exit', () => void service.close());
  return { socket: service.socketPath, skipped };
}

/** A run id whose folder does not exist yet: two runs of the same plan in the same second get the next second. */
function freeRunId(resultsDir: string, planHash: string): string {
  for (let t = Date.now(); ; t += 1000) {
    const id = makeRunId(planHash, new Date(t));
    if (!existsSync(join(resultsDir, id))) return id;
  }
}
