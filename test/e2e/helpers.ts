/**
 * End-to-end helpers: copy a fixture project (test/fixtures/<name>) to a fresh temp dir and run the real
 * Vitest CLI on it, then read the result files it wrote (CONTRACTS.md "Result files").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { createServer, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(REPO, 'test/fixtures');
const VITEST_BIN = join(REPO, 'node_modules/vitest/vitest.mjs');
const PLUGIN_DIST = join(REPO, 'dist/plugin/index.js');
/** Generous: a run of a fixture takes 2-6 s alone, more when several run at once on 2 cores. */
const RUN_TIMEOUT_MS = 150_000;

export const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
}

export interface Project {
  dir: string;
  path(...parts: string[]): string;
  read(rel: string): string;
  write(rel: string, text: string): void;
  /** Replace every occurrence of `from` in a file; throws if there is none (a fixture drifted). */
  replace(rel: string, from: string | RegExp, to: string): void;
  remove(rel: string): void;
  cleanup(): void;
}

const live = new Set<string>();

/**
 * A fresh copy of test/fixtures/<name> under os.tmpdir(). The copy's vitest.config.ts imports the repo's
 * dist by absolute path, and node_modules links to the repo's (for `vitest/config` and the generated suites).
 */
export function copyFixture(name: string): Project {
  const src = join(FIXTURES, name);
  if (!existsSync(join(src, 'vitest.config.ts'))) throw new Error(`no fixture project ${src}`);
  const dir = mkdtempSync(join(tmpdir(), `dg-e2e-${name}-`));
  // Leftovers of a run made by hand inside the fixture are not part of it.
  const leftovers = new Set(['results', '.dualgauge', '.vitest-reports', 'node_modules'].map((n) => join(src, n)));
  cpSync(src, dir, { recursive: true, verbatimSymlinks: true, filter: (from) => !leftovers.has(from) });
  const configFile = join(dir, 'vitest.config.ts');
  const config = readFileSync(configFile, 'utf8');
  const rewritten = config.replace(/(['"])(?:\.\.\/)+dist\/plugin\/index\.js\1/, JSON.stringify(PLUGIN_DIST));
  if (rewritten === config) throw new Error(`${name}/vitest.config.ts does not import ../../../dist/plugin/index.js`);
  writeFileSync(configFile, rewritten);
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  live.add(dir);
  const project: Project = {
    dir,
    path: (...parts) => join(dir, ...parts),
    read: (rel) => readFileSync(join(dir, rel), 'utf8'),
    write: (rel, text) => writeFileSync(join(dir, rel), text),
    replace(rel, from, to) {
      const text = project.read(rel);
      const out = typeof from === 'string' ? text.split(from).join(to) : text.replace(from, to);
      if (out === text) throw new Error(`${rel}: nothing to replace for ${String(from)}`);
      project.write(rel, out);
    },
    remove: (rel) => rmSync(join(dir, rel), { recursive: true, force: true }),
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      live.delete(dir);
    },
  };
  return project;
}

export function cleanupAll(): void {
  for (const dir of [...live]) {
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout + stderr without colours. */
  output: string;
  durationMs: number;
  args: string[];
}

export interface RunOptions {
  /** Extra CLI arguments after `run --project <project>`. */
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Project to select (default `dualgauge`); null selects none (e.g. for --merge-reports). */
  project?: string | null;
  cwd?: string;
  /** Called with the Vitest process once spawned (e.g. to watch or signal it). */
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}

/** `node vitest.mjs run --project dualgauge ...args` in the project dir, like a user's shell. */
export function runVitest(project: Project | string, opts: RunOptions = {}): Promise<RunResult> {
  const cwd = opts.cwd ?? (typeof project === 'string' ? project : project.dir);
  const projectName = opts.project === undefined ? 'dualgauge' : opts.project;
  const args = [VITEST_BIN, 'run', ...(projectName ? ['--project', projectName] : []), ...(opts.args ?? [])];
  const env: Record<string, string> = {};
  // The outer Vitest's own worker variables must not leak into the inner run (a user's shell has none).
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^VITEST|^TINYPOOL/.test(k) && k !== 'NODE_OPTIONS') env[k] = v;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    opts.onSpawn?.(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? RUN_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = stripAnsi(Buffer.concat(out).toString('utf8'));
      const stderr = stripAnsi(Buffer.concat(err).toString('utf8'));
      resolvePromise({ code, signal, stdout, stderr, output: `${stdout}\n${stderr}`, durationMs: Date.now() - started, args: args.slice(1) });
    });
  });
}

/** A readable description of a run for assertion messages. */
export function describeRun(r: RunResult, tail = 4000): string {
  return `vitest ${r.args.join(' ')} → exit ${r.code}${r.signal ? ` (${r.signal})` : ''} in ${r.durationMs} ms\n${r.output.slice(-tail)}`;
}

/** Run at most `limit` of the given jobs at once (inner runs are CPU-bound on 2 cores). */
export async function limited<T>(jobs: (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

// ---------------------------------------------------------------- result files

export interface CaseLine {
  schema: number;
  runId: string;
  task: string;
  model: string;
  language: string;
  sample: number;
  caseKind: 'functional' | 'security';
  case: string;
  cwe: string[];
  outcome: string;
  decidedBy: string | null;
  expected: unknown;
  actual: unknown;
  evidenceRef: string | null;
  durationMs: number;
  specFile: string;
  specLine: number;
  cache?: string;
  message?: string;
  project?: string;
  [k: string]: unknown;
}

export interface SummaryRow {
  model: string;
  language: string;
  tasks: number;
  n: number;
  k: number[];
  passAtK: Record<string, number | null>;
  secureAtK: Record<string, number | null>;
  securePassAtK: Record<string, number | null>;
  pr: number | null;
  spr: number | null;
  outcomes: Record<string, number>;
  incomplete: boolean;
  [k: string]: unknown;
}

export interface Summary {
  schema: number;
  runId: string;
  manifest: Record<string, unknown>;
  rows: SummaryRow[];
  cache?: { hits: number; misses: number };
  [k: string]: unknown;
}

/** Run dirs under results/ (names that look like run ids), oldest first. */
export function runDirs(project: Project, results = 'results'): string[] {
  const dir = project.path(results);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => RUN_ID.test(n)).sort();
}

export function latestTarget(project: Project, results = 'results'): string | null {
  const link = project.path(results, 'latest');
  if (!existsSync(link) && !isSymlink(link)) return null;
  return readlinkSync(link);
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export function readSummary(project: Project, runId = 'latest', results = 'results'): Summary {
  return JSON.parse(readFileSync(project.path(results, runId, 'summary.json'), 'utf8')) as Summary;
}

export function readCases(project: Project, runId = 'latest', results = 'results'): CaseLine[] {
  const file = project.path(results, runId, 'cases.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CaseLine);
}

export function evidenceFile(project: Project, runId: string, ref: string, results = 'results'): string {
  return project.path(results, runId, 'evidence', `${ref}.json`);
}

export function readEvidence(project: Project, runId: string, ref: string, results = 'results'): Record<string, unknown> {
  return JSON.parse(readFileSync(evidenceFile(project, runId, ref, results), 'utf8')) as Record<string, unknown>;
}

/** Every file under a dir (recursively, following no links). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

/** The row of a model (and language) in a summary. */
export function rowOf(summary: Summary, model: string, language = 'python'): SummaryRow {
  const row = summary.rows.find((r) => r.model === model && r.language === language);
  if (!row) throw new Error(`no row for ${model} · ${language} in ${JSON.stringify(summary.rows.map((r) => r.model))}`);
  return row;
}

/** `task > model · language · #i > kind/case` → the case line. */
export function caseOf(lines: CaseLine[], model: string, sample: number, id: string): CaseLine {
  const found = lines.filter((l) => l.model === model && l.sample === sample && l.case === id);
  if (found.length !== 1) throw new Error(`expected one case line for ${model} #${sample} ${id}, found ${found.length}`);
  return found[0];
}

export interface Listener {
  port: number;
  /** 127.0.0.1 and up to two of this machine's own IPv4 addresses: where a candidate would try to connect. */
  hosts: string[];
  /** Connections accepted so far (a contained candidate makes none). */
  connections(): number;
  close(): Promise<void>;
}

/** A TCP listener on every interface, counting connections: the target of network escape attempts. */
export async function listenEverywhere(): Promise<Listener> {
  let connections = 0;
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    connections++;
    sockets.push(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const external = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
  return {
    port: (server.address() as { port: number }).port,
    hosts: ['127.0.0.1', ...external.slice(0, 2)],
    connections: () => connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
