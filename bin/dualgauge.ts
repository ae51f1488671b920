#!/usr/bin/env node
/** `dualgauge` chores outside the benchmark run: validate tasks, plan a run. The benchmark itself runs through Vitest. */
import { basename, dirname } from 'node:path';
import { globSync } from 'tinyglobby';
import { loadConfig, locateConfig } from '../plugin/config/load-config.js';
import { matchesAny } from '../plugin/config/globs.js';
import { DualGaugeError, formatError } from '../plugin/errors.js';
import { getLanguage } from '../plugin/languages/index.js';
import { loadTask } from '../plugin/spec/load-task.js';
import { formatPlan, planGeneration } from '../plugin/generation/plan.js';
import { validateTask, type LanguageReport } from '../plugin/validate/validate-task.js';
import { ownerTag } from '../plugin/sandbox/scratch.js';
import { removeOwnedSync, sweepLeftovers } from '../plugin/sandbox/teardown.js';
import { availableParallelism } from 'node:os';

const USAGE = `usage: dualgauge validate [task-id-or-glob ...] [--config <file>]
       dualgauge plan [--config <file>]

  validate   check that each task discriminates: the secure reference passes every case,
             each insecure reference passes every functional case, each security case is
             failed by >= 1 insecure reference (or has unkilled_reason), and the cases cover
             >= 90 % of the secure reference's lines. Exit 1 when a task has a problem.
  plan       the dry run: per LLM model, the samples a run would ask for, how many the generation
             cache holds, and an upper estimate of what the rest costs. Calls no model.

The benchmark runs through Vitest:  npx vitest run --project dualgauge`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(USAGE);
    return cmd ? 0 : 1;
  }
  if (cmd !== 'validate' && cmd !== 'plan') {
    console.error(`unknown command "${cmd}"\n\n${USAGE}`);
    return 1;
  }
  let configFile: string | undefined;
  const patterns: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--config') configFile = rest[++i];
    else patterns.push(rest[i]);
  }
  const config = loadConfig(configFile ?? locateConfig());
  if (cmd === 'plan') {
    const specs = globSync(config.specGlobs, { cwd: config.dir, absolute: true }).sort();
    console.log(formatPlan(planGeneration(config, specs.map((f) => loadTask(f)), process.env), config.budgetUsd));
    return 0;
  }
  // Sandboxes run in this process: sweep what killed runs left, and remove our own at exit.
  await sweepLeftovers();
  process.once('exit', () => removeOwnedSync([ownerTag()]));
  const files = globSync(config.specGlobs, { cwd: config.dir, absolute: true }).sort();
  const selected = files.filter((f) => !patterns.length || matchesAny(basename(dirname(f)), patterns));
  if (!selected.length) {
    console.error(`no task matches ${patterns.join(', ') || config.specGlobs.join(', ')}`);
    return 1;
  }
  // Task-language pairs run concurrently (one per core); reports print in a stable order.
  const pairs = selected.flatMap((file) => {
    const task = loadTask(file);
    return task.languages.filter((l) => getLanguage(l)).map((lang) => ({ task, lang }));
  });
  const reports = new Array<LanguageReport>(pairs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pairs.length; i = next++) reports[i] = await validateTask(pairs[i].task, pairs[i].lang, config);
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), pairs.length) }, worker));
  let failed = 0;
  for (const r of reports) {
    const cov = r.coverage ? ` · coverage ${r.coverage.covered}/${r.coverage.total} lines` : '';
    const kills = Object.values(r.killedBy);
    console.log(`${r.problems.length ? '✗' : '✓'} ${r.task} · ${r.language}${cov} · ${kills.filter((k) => k.length).length}/${kills.length} security cases failed by an insecure reference`);
    for (const p of r.problems) console.log(`    problem: ${p}`);
    for (const n of r.notes) console.log(`    note: ${n}`);
    if (r.problems.length) failed++;
  }
  console.log(failed ? `\n${failed} task-language pair(s) with problems` : '\nall tasks discriminate');
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof DualGaugeError ? formatError(e) : e);
    process.exit(1);
  },
);
