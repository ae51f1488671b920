// `npm run bench:sandbox`: what isolation and instrumentation cost. Three parts, each stored in
// bench/results/sandbox.json (a part not run keeps its previous result there):
//   instrument  per language and at 1 and 10 cases per candidate, bare (no sandbox, trace or coverage) against
//               sandbox alone, + trace, + coverage, + audit mode, with the issue's targets (bench/instrument.mjs)
//   validate    `dualgauge validate` over every shipped task, cold (bench/validate-cold.mjs)
//   pool        the dualgauge Vitest pool against the stock forks pool, and one sandbox's start-up cost
//               (bench/sandbox-pool.mjs; also written to bench/results/sandbox-pool.json)
// Usage: npm run bench:sandbox [-- --parts instrument,validate,pool --reps 7 --languages python,javascript,cpp
//        --counts 1,10 --repeat 3 --tasks path-read-document,sql-order-search,log-audit-entry,redirect-after-login]
// As root only (the bare baseline mounts /sbx in a mount namespace of its own).
import { existsSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureMountPoint } from './bare-sandbox.mjs';
import { CONFIGS, measureInstrumentation, TARGETS } from './instrument.mjs';
import { measurePool } from './sandbox-pool.mjs';
import { timeValidate } from './validate-cold.mjs';

const RESULTS = join(import.meta.dirname, 'results');
const OUT = join(RESULTS, 'sandbox.json');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const list = (name, fallback) => arg(name, fallback).split(',');
const parts = list('--parts', 'instrument,validate,pool');
const log = (line) => console.log(line);

const NOTES = [
  'instrument: one candidate per shipped task that has a secure reference in the language (python 11, javascript 10, cpp 10 tasks), each run with runCandidate on its first 1 or first 10 functional cases (cycled, with fresh ids, when a task has fewer). A sample is the sum of the wall times of those runCandidate calls; medianMs is the median over the repetitions, ratio = medianMs / bare medianMs. Each repetition runs every configuration over all candidates in a block (blocks in an order that rotates with the repetition; a block because a sandbox exec starts the sandbox of the next ahead, so each run should follow one like it, as in a worker), after one untimed warm-up round that also checks that every configuration returns the same results as sandbox+trace+coverage (status, result, error type of every case).',
  'bare: bench/bare-sandbox.mjs runs the same harness plan on the host as root, without namespaces, cgroups, rlimits or uid switch: `unshare --mount` with the session dir bound read-only at /sbx and tmpfs at /sbx/work and /sbx/out (one fstab, one mount -a), trace and coverage off. sandbox: bwrap (plugin/sandbox/bwrap.ts) as a real run uses it, trace and coverage off. sandbox+trace: coverage off. sandbox+trace+coverage: the default path (no instrument field at all). +audit: all cases audited (strace on the host side, in a process of their own).',
  'trace off: Python installs no audit hook and wraps nothing (install_trace not called); JavaScript does not load hook.cjs; C++ links dgshim.so as always (the interposed functions still go through it) but it records nothing (dgshim_record(0)). coverage off: Python no sys.settrace; JavaScript no inspector Profiler session; C++ no __gcov_reset, __gcov_dump or gcov process per case and no executable-lines gcov run at start, but the binary is still the --coverage build (its counters still count).',
  'C++ builds are not timed: each candidate is built once (buildCandidate, in the sandbox) before the measurement; every timed run gets a build-less view of the language and mounts that build at /sbx/build, which is what runCandidate does after its own build.',
  'cpuMedianMs / cpuRatio: CPU time (user+system) of the benchmark process and every descendant, from a cpuacct cgroup of its own (sandboxes join only memory and pids cgroups, so they stay in it). The machine is shared: other processes (e.g. a concurrent test run) lengthen wall times but not this CPU time, so the CPU ratios are the steadier reading; loadavg at start and end is stored.',
  'validate: `node dist/bin/dualgauge.js validate` with `cache: false` (no execution cache), every shipped task and language, workers = CPU count. The host-wide prebuilt C++ harness (driver.o, dgshim.so in ~/.cache/dualgauge/cpp-harness) is warm; each C++ reference still compiles.',
  'pool: unchanged from the former bench/sandbox-pool.mjs (its own result file is kept too).',
  'profile (2026-11-25, this host): a sandbox start used to cost ~21 ms wall per harness process. ~13 ms of it was the cgroup join: on cgroup v1 a write to cgroup.procs waits for an RCU grace period (strace: write(cgroup.procs) <0.0133 s>). Launchers (plugin/sandbox/launcher.ts) now start ahead of their exec, while earlier execs run: enter.sh joins the cgroups, makes its dirs, mounts the scratch tmpfs, drops to the slot uid and, for every exec that is neither audited nor has a writable mount, starts bwrap itself (~8-9 ms CPU with our mounts, against ~1.4 ms for `true`), with /sbx bound from an empty dir of its own; a shell inside waits for the plan. The exec hard-links the session (and a C++ build) into that dir and writes rlimits, cwd, env and argv. Two launchers wait per kind of exec: one takes ~30 ms to be ready, longer than a one-case C++ candidate runs.',
  'profile (2026-11-26): what is left on the worker thread per exec is ~1-2 ms of links and plan, and the next launcher\'s spawn (node forks its whole address space: 3-7 ms here). Tried and dropped: starting launchers in groups of four from one spawn of a small bash (one fork of the worker per four execs) measured no better (more CPU in bash and setpriv, and four cgroup joins at once serialize on the RCU wait). Network namespace teardown runs in a kernel worker (kworker netns), outside every cgroup: its CPU is in neither ratio.',
  'profile: the JavaScript trace costs ~66 ms per process, ~50 ms of it V8 Debugger.enable in hook.cjs (the eval / new Function detection), armed only when the candidate source could call them. C++ coverage used to run one gcov process per case (~2 ms each); the driver now dumps each case\'s counters into a dir of its own and runs gcov once after the last case, and the executable lines come from the build.',
];

function loadPrevious() {
  return existsSync(OUT) ? JSON.parse(readFileSync(OUT, 'utf8')) : {};
}

async function runInstrument() {
  const created = ensureMountPoint();
  try {
    const load = { start: loadavg() };
    const languages = list('--languages', 'python,javascript,cpp');
    const counts = list('--counts', '1,10').map(Number);
    const results = await measureInstrumentation({ languages, counts, reps: Number(arg('--reps', 7)), log });
    return { date: new Date().toISOString(), loadavg: { ...load, end: loadavg() }, targets: TARGETS, results };
  } finally {
    if (created) rmdirSync('/sbx');
  }
}

function runPool() {
  const tasks = list('--tasks', 'path-read-document,sql-order-search,log-audit-entry,redirect-after-login');
  const pool = measurePool({ repeat: Number(arg('--repeat', 3)), tasks, languages: list('--languages', 'python,javascript,cpp'), log });
  writeFileSync(join(RESULTS, 'sandbox-pool.json'), JSON.stringify({ ...pool, node: process.version, cpus: cpus().length }, null, 2) + '\n');
  return pool;
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function printInstrument(instrument) {
  console.log('\nratio to bare (wall time, median of sums over the tasks; CPU ratio in brackets)');
  console.log(`${pad('language', 11)}${lpad('cases', 6)}  ${CONFIGS.map((c) => lpad(c.name, 30)).join('')}`);
  for (const [lang, cells] of Object.entries(instrument.results)) {
    for (const [count, cell] of Object.entries(cells)) {
      const cols = CONFIGS.map((c) => {
        const r = cell.configs[c.name];
        const verdict = r.target ? (r.target.met ? ' ok' : ' MISS') : '';
        return lpad(`${r.medianMs.toFixed(0)} ms ${r.ratio.toFixed(2)}× [${r.cpuRatio?.toFixed(2) ?? '–'}×]${verdict}`, 30);
      });
      console.log(`${pad(lang, 11)}${lpad(count, 6)}  ${cols.join('')}`);
    }
  }
  console.log(`targets: ${Object.entries(TARGETS).map(([k, v]) => `${k} ≤ ${v}×`).join(', ')} (ok / MISS on the wall-time ratio)`);
}

// What killed benchmarks left (idle cgroups, scratch dirs): a run otherwise only sweeps when the CLI or the pool
// starts, and a day of benches left 172 cgroups that made sandbox starts measurably slower.
await (await import(join(import.meta.dirname, '../dist/plugin/sandbox/teardown.js'))).sweepLeftovers();
const result = { ...loadPrevious(), node: process.version, cpus: cpus().length, notes: NOTES };
if (parts.includes('instrument')) result.instrument = await runInstrument();
if (parts.includes('validate')) {
  result.validate = { date: new Date().toISOString(), ...timeValidate() };
  log(`dualgauge validate, cold, all shipped tasks: ${result.validate.ms} ms (${result.validate.taskLanguagePairs} task-language pairs)`);
}
if (parts.includes('pool')) result.pool = runPool();
writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
if (result.instrument) printInstrument(result.instrument);
if (result.validate) console.log(`\nvalidate (cold, ${result.validate.taskLanguagePairs} task-language pairs, ${result.validate.workers} workers): ${(result.validate.ms / 1000).toFixed(1)} s`);
if (result.pool) console.log(`pool: dualgauge ${result.pool.dualgaugePoolMs} ms vs stock forks ${result.pool.stockForksPoolMs} ms (ratio ${result.pool.ratio}); sandbox start ${result.pool.sandboxStartMedianMs.inodeCappedScratch} ms (inode-capped scratch), ${result.pool.sandboxStartMedianMs.bwrapTmpfs} ms (bwrap tmpfs)`);
