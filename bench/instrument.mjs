// What the sandbox, the trace, coverage and audit mode cost, per language and case count, as ratios against
// the same harness run bare (no sandbox, no trace, no coverage): bench/sandbox.mjs prints and stores it.
// Workload: the functional cases of every shipped task's secure reference (first 1 or first 10, cycling when a
// task has fewer), one runCandidate per task; a sample is the sum over the tasks. C++ candidates are built
// once beforehand (buildCandidate) and every timed run mounts that build: the timing covers runs only.
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { globSync } from 'tinyglobby';
import { BareSandbox } from './bare-sandbox.mjs';

const REPO = join(import.meta.dirname, '..');
const dist = (p) => import(join(REPO, 'dist/plugin', p));
const { DEFAULT_LIMITS } = await dist('config/types.js');
const { getLanguage } = await dist('languages/index.js');
const { runCandidate } = await dist('languages/run-candidate.js');
const { buildCandidate } = await dist('languages/build-candidate.js');
const { BwrapSandbox } = await dist('sandbox/bwrap.js');
const { dismissStandbys } = await dist('sandbox/launcher.js');
const { limitsFor } = await dist('runtime/execute.js');
const { loadTask } = await dist('spec/load-task.js');
const { interfaceFor } = await dist('spec/task.js');

/** `instrument: null` is the default path (no field at all): what a real run does. */
export const CONFIGS = [
  { name: 'bare', sandbox: 'bare', instrument: { trace: false, coverage: false }, audit: false },
  { name: 'sandbox', sandbox: 'bwrap', instrument: { trace: false, coverage: false }, audit: false },
  { name: 'sandbox+trace', sandbox: 'bwrap', instrument: { trace: true, coverage: false }, audit: false },
  { name: 'sandbox+trace+coverage', sandbox: 'bwrap', instrument: null, audit: false },
  { name: 'sandbox+trace+coverage+audit', sandbox: 'bwrap', instrument: null, audit: true },
];
export const TARGETS = { sandbox: 1.3, 'sandbox+trace+coverage': 2 };
const REFERENCE = 'sandbox+trace+coverage';

/** The first `count` functional cases, cycled (with fresh ids) when the task has fewer. */
function functionalCases(task, itf, count) {
  const functional = task.cases.filter((c) => c.kind === 'functional');
  return Array.from({ length: count }, (_, i) => {
    const c = functional[i % functional.length];
    const lap = Math.floor(i / functional.length);
    return {
      id: lap ? `${c.id}~${lap + 1}` : c.id,
      args: itf.params.map((p) => (p.value ? null : c.input[p.name] ?? null)),
      stdin: c.stdin,
      files: Object.keys(c.expectFiles ?? {}),
    };
  });
}

/** One candidate per task that has a secure reference in this language. */
function candidates(lang) {
  const out = [];
  for (const file of globSync('specs/*/task.yaml', { cwd: REPO, absolute: true }).sort()) {
    const task = loadTask(file);
    const ref = join(task.dir, 'ref', `secure.${lang.ext}`);
    if (!task.languages.includes(lang.name) || !existsSync(ref)) continue;
    out.push({ task, itf: interfaceFor(task, lang.name), files: { [lang.mainFile]: readFileSync(ref) }, limits: limitsFor(task, DEFAULT_LIMITS), buildDir: null });
  }
  return out;
}

/** A sandbox whose execs also mount a prebuilt /sbx/build (what runCandidate mounts after its own build). */
function withBuild(sandbox, dir) {
  return {
    backend: sandbox.backend,
    mechanisms: sandbox.mechanisms,
    openSession() {
      const s = sandbox.openSession();
      return {
        dir: s.dir,
        writeFile: (...a) => s.writeFile(...a),
        mkdir: (rel) => s.mkdir(rel),
        close: () => s.close(),
        exec: (req) => s.exec({ ...req, mounts: [{ host: dir, at: '/sbx/build' }, ...(req.mounts ?? [])] }),
      };
    },
  };
}

async function prebuild(lang, cand, sandbox) {
  const layout = { files: cand.files, mainFile: lang.mainFile };
  const input = { itf: cand.itf, cases: [], candDir: '/sbx/cand', candFile: `/sbx/cand/${lang.mainFile}`, outputCap: cand.limits.outputBytes, build: cand.task.build[lang.name] };
  const built = await buildCandidate(lang, sandbox, layout, input, cand.limits);
  if (built.failure) throw new Error(`${cand.task.id}: the C++ build failed: ${built.failure.message}`);
  return built.dir;
}

/** The request of one timed run; a built language runs as a build-less view of itself plus the prebuilt dir. */
function request(lang, cand, cases, cfg, sandboxes) {
  const sandbox = sandboxes[cfg.sandbox];
  return {
    language: cand.buildDir ? { ...lang, build: undefined } : lang,
    sandbox: cand.buildDir ? withBuild(sandbox, cand.buildDir) : sandbox,
    itf: cand.itf,
    files: cand.files,
    cases,
    fixturesDir: cand.task.fixturesDir,
    env: cand.task.env,
    build: cand.task.build[lang.name],
    limits: cand.limits,
    ...(cfg.audit && { audit: new Set(cases.map((c) => c.id)) }),
    ...(cfg.instrument && { instrument: cfg.instrument }),
  };
}

/** What a run returned, to check that every configuration computes the same results. */
function outcome(run, where) {
  if (run.sampleFailure) throw new Error(`${where}: ${run.sampleFailure.outcome}: ${run.sampleFailure.message}`);
  return Object.values(run.cases).map((c) => {
    if (c.status === 'killed') throw new Error(`${where}: case ${c.id} killed: ${c.killed?.cause} ${c.killed?.detail ?? ''} ${c.stderr.slice(-500)}`);
    return `${c.id}:${c.status}:${c.resultText}:${c.error?.type ?? ''}`;
  }).join('\n');
}

/** Wall and CPU time of one runCandidate; its results must agree with the reference configuration's. */
async function timeRun(lang, cand, cases, cfg, sandboxes, seen, cpu) {
  const c0 = cpu?.ms();
  const t0 = performance.now();
  const run = await runCandidate(request(lang, cand, cases, cfg, sandboxes));
  const ms = performance.now() - t0;
  const cpuMs = cpu ? cpu.ms() - c0 : NaN;
  const where = `${lang.name} ${cand.task.id} ${cases.length} case(s) ${cfg.name}`;
  const got = outcome(run, where);
  // The warm-up round runs the reference configuration first: every later run must agree with it.
  const ref = seen.get(cand.task.id);
  if (ref === undefined) seen.set(cand.task.id, got);
  else if (got !== ref) throw new Error(`${where}: results differ from ${REFERENCE}:\n${got}\n---\n${ref}`);
  return { ms, cpu: cpuMs };
}

/**
 * CPU time of this process and every descendant, in ms: a cpuacct cgroup (v1) of our own, which the sandboxes
 * stay in (they join only memory and pids cgroups). Not rusage: the time of processes in bwrap's pid namespace
 * never reaches ours through wait(). Null where there is no cgroup v1 cpuacct hierarchy to use.
 */
function cpuAccount() {
  const root = '/sys/fs/cgroup/cpuacct';
  const dir = join(root, `dg-bench-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'cgroup.procs'), String(process.pid));
  } catch {
    return null;
  }
  return {
    ms: () => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6,
    close() {
      writeFileSync(join(root, 'cgroup.procs'), String(process.pid));
      // Killed children (dismissed standbys) leave the cgroup a moment after the kill.
      for (let tries = 0; ; tries++) {
        try {
          return rmdirSync(dir);
        } catch (e) {
          if (e.code !== 'EBUSY' || tries >= 40) throw e;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        }
      }
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Per language and case count: `reps` samples of every configuration after one untimed warm-up round. Each
 * repetition runs every configuration over all candidates in a block, blocks in an order that rotates with the
 * repetition, so background load (the machine is shared) falls on every configuration alike. Blocks, not runs
 * interleaved per candidate: a sandbox exec starts the next ones' sandboxes ahead (launcher.ts), so a run's cost
 * depends on the runs before it; in a block each run follows runs like it, as in a real run's worker.
 */
export async function measureInstrumentation({ languages, counts, reps, log }) {
  const sandboxes = { bare: new BareSandbox(), bwrap: new BwrapSandbox() };
  const cpu = cpuAccount();
  const results = {};
  try {
    for (const name of languages) results[name] = await measureLanguage(getLanguage(name), counts, reps, sandboxes, cpu, log);
  } finally {
    // The next exec's launcher waits in our cpuacct cgroup (a child of ours): it must go before the cgroup can.
    dismissStandbys();
    cpu?.close();
  }
  return results;
}

async function measureLanguage(lang, counts, reps, sandboxes, cpu, log) {
  const cands = candidates(lang);
  try {
    if (lang.build) for (const c of cands) c.buildDir = await prebuild(lang, c, sandboxes.bwrap);
    const cells = {};
    for (const count of counts) cells[count] = await measureCell(lang, cands, count, reps, sandboxes, cpu, log);
    return cells;
  } finally {
    for (const c of cands) if (c.buildDir) rmSync(c.buildDir, { recursive: true, force: true });
  }
}

async function measureCell(lang, cands, count, reps, sandboxes, cpu, log) {
  const work = cands.map((c) => ({ cand: c, cases: functionalCases(c.task, c.itf, count) }));
  const seen = new Map();
  const samples = Object.fromEntries(CONFIGS.map((c) => [c.name, { ms: [], cpu: [] }]));
  // Round 0 warms the page cache and checks that every configuration computes the reference's results.
  for (let rep = 0; rep <= reps; rep++) {
    const total = Object.fromEntries(CONFIGS.map((c) => [c.name, { ms: 0, cpu: 0 }]));
    const order = rep ? CONFIGS.map((_, k) => CONFIGS[(k + rep) % CONFIGS.length]) : [CONFIGS.find((c) => c.name === REFERENCE), ...CONFIGS];
    for (const cfg of order) {
      for (const { cand, cases } of work) {
        const t = await timeRun(lang, cand, cases, cfg, sandboxes, seen, cpu);
        total[cfg.name].ms += t.ms;
        total[cfg.name].cpu += t.cpu;
      }
    }
    if (!rep) continue;
    for (const c of CONFIGS) {
      samples[c.name].ms.push(round(total[c.name].ms));
      samples[c.name].cpu.push(round(total[c.name].cpu));
    }
    log?.(`${lang.name} ×${count} rep ${rep}/${reps}: ${CONFIGS.map((c) => `${c.name} ${Math.round(total[c.name].ms)} (cpu ${Math.round(total[c.name].cpu)})`).join(", ")} ms`);
  }
  return { candidates: cands.length, tasks: cands.map((c) => c.task.id), casesPerCandidate: count, configs: summarize(samples, cands.length) };
}

/** Medians of the sums over the candidates, and their ratios to bare's, for wall time and for CPU time. */
function summarize(samples, n) {
  const bare = { ms: median(samples.bare.ms), cpu: median(samples.bare.cpu) };
  const configs = {};
  for (const cfg of CONFIGS) {
    const ms = median(samples[cfg.name].ms);
    const cpu = median(samples[cfg.name].cpu);
    configs[cfg.name] = { medianMs: round(ms), perCandidateMs: round(ms / n), ratio: round(ms / bare.ms, 3), cpuMedianMs: round(cpu), cpuRatio: round(cpu / bare.cpu, 3), samples: samples[cfg.name] };
    if (TARGETS[cfg.name]) configs[cfg.name].target = { max: TARGETS[cfg.name], met: ms / bare.ms <= TARGETS[cfg.name] };
  }
  return configs;
}
