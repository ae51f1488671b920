/** JSON Schema validation (ajv) whose errors point at YAML lines, all at once, with did-you-mean. */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Problem } from '../errors.js';
import { packageFile } from '../paths.js';
import { problemAt, toPlain, type Path, type YamlSource } from './yaml-source.js';

export type SchemaName = 'config' | 'suite' | 'task';

const compiled = new Map<SchemaName, ValidateFunction>();

export function schemaPath(name: SchemaName): string {
  return packageFile(`schema/${name}.schema.json`);
}

function validator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    v = ajv.compile(JSON.parse(readFileSync(schemaPath(name), 'utf8')));
    compiled.set(name, v);
  }
  return v;
}

/** Validate a parsed YAML file against a shipped schema; returns every problem found. */
export function validateAgainst(name: SchemaName, src: YamlSource): Problem[] {
  const validate = validator(name);
  if (validate(toPlain(src.data))) return [];
  return explain(src, validate.errors ?? []);
}

function pathOf(instancePath: string): Path {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function explain(src: YamlSource, errors: ErrorObject[]): Problem[] {
  // Alternatives (oneOf/anyOf) produce errors from every branch. When some branch had the right shape (its
  // errors are about keys or deeper values), report that branch's errors; otherwise fold the alternatives
  // into one "does not match any allowed form" message.
  const altPaths = [...new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath))];
  const altOf = (e: ErrorObject) =>
    altPaths.filter((p) => e.instancePath === p || e.instancePath.startsWith(p + '/')).sort((x, y) => y.length - x.length)[0];
  const shapeless = (e: ErrorObject, alt: string) => e.instancePath === alt && ['type', 'const', 'enum', 'pattern'].includes(e.keyword);
  const groups = new Map<string, ErrorObject[]>();
  const direct: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const alt = altOf(e);
    if (alt === undefined) direct.push(e);
    else groups.set(alt, [...(groups.get(alt) ?? []), e]);
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (p: Problem) => {
    const id = `${p.place.line}:${p.place.col}:${p.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(p);
    }
  };
  for (const e of direct) add(problemFor(src, e));
  for (const [alt, errs] of groups) {
    const shaped = errs.filter((e) => !shapeless(e, alt));
    if (shaped.length) shaped.forEach((e) => add(problemFor(src, e)));
    else {
      const path = pathOf(alt);
      add(problemAt(src, path, `${where(path, true)}does not match any allowed form: ${[...new Set(errs.map(describe))].join('; or ')}`));
    }
  }
  return problems.sort((a, b) => (a.place.line ?? 0) - (b.place.line ?? 0) || (a.place.col ?? 0) - (b.place.col ?? 0));
}

function problemFor(src: YamlSource, e: ErrorObject): Problem {
  const path = pathOf(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    const allowed = allowedKeys(e);
    const guess = closest(key, allowed);
    return problemAt(src, [...path, key], `unknown key "${key}"${where(path)}`, {
      key: true,
      hint: guess ? `did you mean "${guess}"?` : allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined,
    });
  }
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return problemAt(src, path, `missing required key "${missing}"${where(path)}`, { key: path.length > 0, hint: `add "${missing}:"` });
  }
  return problemAt(src, path, `${where(path, true)}${describe(e)}`);
}

function where(path: Path, prefix = false): string {
  if (path.length === 0) return prefix ? '' : ' at the top level';
  const p = path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
  return prefix ? `${p}: ` : ` in ${p}`;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'type':
      return `must be ${article((e.params as { type: string }).type)}`;
    case 'pattern':
      return `must match ${(e.params as { pattern: string }).pattern}`;
    case 'additionalProperties':
      return `a map with only the keys ${allowedKeys(e).join(', ')}`;
    case 'required':
      return `a map with "${(e.params as { missingProperty: string }).missingProperty}"`;
    default:
      return e.message ?? e.keyword;
  }
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a map', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}

function allowedKeys(e: ErrorObject): string[] {
  const schema = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(schema?.properties ?? {});
}

/** Closest allowed word within a small edit distance, for "did you mean". */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Edit distance counting an adjacent transposition as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
