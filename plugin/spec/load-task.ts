/** Loading and validating specs/<id>/task.yaml: schema first, then the rules a schema cannot say. */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ValidationError, type Problem } from '../errors.js';
import { validateAgainst } from '../config/schema-validate.js';
import { placeOf, problemAt, readYaml, type Path, type YamlSource } from '../config/yaml-source.js';
import { interfaceFor, type Detector, type Param, type Task, type TaskCase } from './task.js';
import { isObj } from './values.js';

export function loadTask(file: string): Task {
  const src = readYaml(file, 'DG_SPEC_INVALID');
  const problems = validateAgainst('task', src);
  if (problems.length) throw new ValidationError('DG_SPEC_INVALID', `invalid task ${file}`, problems);
  const raw = src.data as Record<string, any>;
  const dir = dirname(file);
  const cases: TaskCase[] = [];
  for (const kind of ['functional', 'security'] as const) {
    (raw[kind] ?? []).forEach((c: Record<string, any>, i: number) => {
      const place = placeOf(src, [kind, i]);
      cases.push({
        kind,
        id: c.id,
        input: c.input ?? {},
        stdin: c.stdin,
        hasExpect: 'expect' in c,
        expect: c.expect,
        expectSubset: c.expect_subset,
        expectStdout: c.expect_stdout,
        expectFiles: c.expect_files,
        check: c.check ? { script: c.check.script, args: c.check.args ?? [] } : undefined,
        cwe: kind === 'security' ? [c.cwe] : [],
        behavior: c.behavior,
        detect: (c.detect ?? []) as Detector[],
        judge: c.judge ?? 'auto',
        onError: c.on_error,
        unkilledReason: c.unkilled_reason,
        line: place.line ?? 1,
        col: place.col ?? 1,
      });
    });
  }
  const task: Task = {
    id: raw.id,
    title: raw.title,
    dir,
    file,
    cwe: raw.cwe,
    languages: raw.languages,
    prompt: raw.prompt,
    notes: raw.notes ?? {},
    interface: raw.interface,
    env: raw.env ?? {},
    limits: numbers(raw.limits ?? {}),
    build: raw.build ?? {},
    cases,
    hash: '',
    fixturesDir: join(dir, 'fixtures'),
  };
  const more = semanticProblems(src, task);
  if (more.length) throw new ValidationError('DG_SPEC_INVALID', `invalid task ${file}`, more);
  task.hash = hashTask(task, src.text);
  return task;
}

function numbers(o: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v)]));
}

function semanticProblems(src: YamlSource, task: Task): Problem[] {
  const problems: Problem[] = [];
  const folder = basename(task.dir);
  if (task.id !== folder) problems.push(problemAt(src, ['id'], `id "${task.id}" differs from its folder "${folder}"`, { hint: `rename the folder or set id: ${folder}` }));
  interfaceProblems(src, task, problems);
  const seen = new Map<string, string>();
  const kinds = { functional: 0, security: 0 };
  for (const c of task.cases) {
    const path: Path = [c.kind, kinds[c.kind]++];
    const key = c.id;
    if (seen.has(key)) problems.push(problemAt(src, [...path, 'id'], `case id "${key}" is used twice (also in ${seen.get(key)})`, { hint: 'case ids must be unique within a task' }));
    seen.set(key, c.kind);
    // Inputs are checked once per case: missing values per language, unknown keys against every language.
    const allParams = new Set([...task.interface.params, ...task.languages.flatMap((lang) => interfaceFor(task, lang).params)].map((p) => p.name));
    for (const lang of task.languages) {
      const inputs = interfaceFor(task, lang).params.filter((p) => !p.value).map((p) => p.name);
      for (const name of inputs) if (!(name in c.input)) problems.push(problemAt(src, [...path, 'input'], `input has no value for parameter "${name}"${task.languages.length > 1 ? ` (${lang})` : ''}`));
    }
    for (const k of Object.keys(c.input)) {
      if (!allParams.has(k)) problems.push(problemAt(src, [...path, 'input', k], `input "${k}" is not a parameter of ${task.interface.function}`, { key: true, hint: `parameters: ${[...allParams].join(', ')}` }));
    }
    c.detect.forEach((d, j) => detectorProblems(src, task, d, [...path, 'detect', j], problems));
    regexProblems(src, c.expect, [...path, 'expect'], problems);
    regexProblems(src, c.expectSubset, [...path, 'expect_subset'], problems);
    if (c.check && !existsSync(join(task.dir, c.check.script))) problems.push(problemAt(src, [...path, 'check', 'script'], `check script ${c.check.script} does not exist in ${task.dir}`));
    if (c.kind === 'functional' && !c.hasExpect && !c.expectSubset && !c.expectFiles && !c.check && c.expectStdout === undefined) {
      problems.push(problemAt(src, path, `functional case "${c.id}" checks nothing`, { hint: 'add expect, expect_subset, expect_stdout, expect_files or check' }));
    }
  }
  return problems;
}

function interfaceProblems(src: YamlSource, task: Task, problems: Problem[]): void {
  const variants: [Path, { params?: Param[]; result?: { param: string } }][] = [[['interface'], task.interface]];
  for (const [lang, o] of Object.entries(task.interface.per_language ?? {})) if (o) variants.push([['interface', 'per_language', lang], o]);
  for (const [at, itf] of variants) {
    const params = itf.params ?? task.interface.params;
    (itf.params ?? []).forEach((p, j) => {
      if (p.value && !params.some((q) => q.name === p.value!.length_of)) {
        problems.push(problemAt(src, [...at, 'params', j, 'value', 'length_of'], `parameter "${p.name}" is the length of "${p.value.length_of}", which is not a parameter`, { hint: `parameters: ${params.map((q) => q.name).join(', ')}` }));
      }
    });
    if (itf.result && !params.some((p) => p.name === itf.result!.param)) problems.push(problemAt(src, [...at, 'result', 'param'], `result.param "${itf.result.param}" is not a parameter`));
  }
}

function detectorProblems(src: YamlSource, task: Task, d: Detector, path: Path, problems: Problem[]): void {
  const params = task.interface.params.map((p) => p.name);
  const body = Object.values(d)[0] as Record<string, unknown> | string;
  if (isObj(body)) {
    for (const key of ['tainted']) {
      const v = body[key];
      if (typeof v === 'string' && !params.includes(v)) problems.push(problemAt(src, [...path, Object.keys(d)[0], key], `"${v}" is not a parameter`, { hint: `parameters: ${params.join(', ')}` }));
    }
    for (const key of ['matches']) {
      const v = body[key];
      if (typeof v === 'string') {
        try {
          new RegExp(v, 'u');
        } catch (e) {
          problems.push(problemAt(src, [...path, Object.keys(d)[0], key], `invalid regular expression: ${(e as Error).message}`));
        }
      }
    }
  }
}

function regexProblems(src: YamlSource, v: unknown, path: Path, problems: Problem[]): void {
  if (Array.isArray(v)) v.forEach((x, i) => regexProblems(src, x, [...path, i], problems));
  else if (isObj(v)) {
    if (typeof v.$matches === 'string') {
      try {
        new RegExp(v.$matches, 'u');
      } catch (e) {
        problems.push(problemAt(src, [...path, '$matches'], `invalid regular expression: ${(e as Error).message}`));
      }
    }
    for (const [k, x] of Object.entries(v)) regexProblems(src, x, [...path, k], problems);
  }
}

function hashTask(task: Task, text: string): string {
  const h = createHash('sha256').update(text);
  for (const sub of ['fixtures', 'checks']) {
    for (const f of walk(join(task.dir, sub))) {
      const link = lstatSync(f).isSymbolicLink();
      h.update(relative(task.dir, f)).update(link ? '\0->' : '\0').update(link ? readlinkSync(f) : readFileSync(f)).update('\0');
    }
  }
  return h.digest('hex');
}

export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (lstatSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
