/**
 * Canonical values: integers are bigint and floats are number, so 2 and 2.0 stay apart as they do in
 * Python and C++. Extended values: {$bytes: base64}, {$float: nan|inf|-inf}. Matchers (expectations
 * only): {$matches}, {$type}, {$length}, {$any}, {$error}.
 */

export type Value = null | boolean | bigint | number | string | Value[] | { [k: string]: Value };

/**
 * Parse JSON keeping integer tokens as bigint. Hand-written because JSON.parse in Node 20 cannot tell
 * `1` from `1.0` (source-text access arrived in later V8 versions).
 */
export function parseCanonical(text: string): Value {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`canonical JSON: ${what} at offset ${i}`);
  };
  const value = (): Value => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: { [k: string]: Value } = {};
      ws();
      if (text[i] === '}') return i++, out;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        // defineProperty: a `__proto__` key must stay a key (prototype-pollution tasks return exactly that).
        Object.defineProperty(out, k, { value: value(), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') return i++, out;
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const out: Value[] = [];
      ws();
      if (text[i] === ']') return i++, out;
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') return i++, out;
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return m[2] || m[3] ? Number(m[0]) : BigInt(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing data');
  return v;
}

/** Canonical text: sorted keys, floats always with a point or exponent, nan/inf as {$float}. */
export function canonicalJson(v: unknown, indent = 0, depth = 0): string {
  const nl = indent ? '\n' + ' '.repeat(indent * (depth + 1)) : '';
  const end = indent ? '\n' + ' '.repeat(indent * depth) : '';
  const sep = indent ? ': ' : ':';
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v, indent);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${v.map((x) => nl + canonicalJson(x, indent, depth + 1)).join(',')}${end}]`;
  }
  const keys = Object.keys(v as object).sort();
  if (keys.length === 0) return '{}';
  return `{${keys.map((k) => `${nl}${JSON.stringify(k)}${sep}${canonicalJson((v as Record<string, unknown>)[k], indent, depth + 1)}`).join(',')}${end}}`;
}

function formatFloat(x: number, indent: number): string {
  if (Number.isNaN(x)) return canonicalJson({ $float: 'nan' }, indent);
  if (!Number.isFinite(x)) return canonicalJson({ $float: x > 0 ? 'inf' : '-inf' }, indent);
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

export function isObj(v: unknown): v is Record<string, Value> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const MATCHERS = ['$matches', '$type', '$length', '$any', '$error'];

export function isMatcher(v: unknown): boolean {
  return isObj(v) && Object.keys(v).length >= 1 && Object.keys(v).every((k) => MATCHERS.includes(k));
}

export function isErrorExpectation(v: unknown): boolean {
  return isObj(v) && v.$error === true && Object.keys(v).length === 1;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'list';
  if (isObj(v) && Object.keys(v).length === 1 && typeof v.$bytes === 'string') return 'bytes';
  if (isObj(v) && Object.keys(v).length === 1 && typeof v.$float === 'string') return 'float';
  return 'map';
}

/** A float as a number: {$float: nan|inf|-inf} and YAML's .nan/.inf meet here. */
function asFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const f = (v as { $float: string }).$float;
  return f === 'nan' ? NaN : f === 'inf' ? Infinity : f === '-inf' ? -Infinity : Number(f);
}

export interface Mismatch {
  path: string;
  message: string;
}

/** Exact comparison with matchers; returns the first mismatches (empty = equal). */
export interface CompareOptions {
  /** Languages without distinct int and float (JavaScript): numbers compare by value, 2 equals 2.0. */
  numeric?: boolean;
}

export function compareValues(expected: unknown, actual: unknown, path = '$', out: Mismatch[] = [], opts: CompareOptions = {}): Mismatch[] {
  if (out.length >= 20) return out;
  if (isMatcher(expected)) {
    const m = expected as Record<string, unknown>;
    if (m.$any === true) return out;
    if (typeof m.$type === 'string' && typeName(actual) !== m.$type) out.push({ path, message: `expected a ${m.$type}, got a ${typeName(actual)}` });
    if (typeof m.$matches === 'string') {
      const text = typeof actual === 'string' ? actual : canonicalJson(actual);
      if (!new RegExp(m.$matches, 'u').test(text)) out.push({ path, message: `${JSON.stringify(text)} does not match /${m.$matches}/` });
    }
    if (m.$length !== undefined) {
      const want = Number(m.$length);
      const len = typeof actual === 'string' ? [...actual].length : Array.isArray(actual) ? actual.length : isObj(actual) ? Object.keys(actual).length : -1;
      if (len !== want) out.push({ path, message: `expected length ${want}, got ${len < 0 ? 'a value without length' : len}` });
    }
    return out;
  }
  const isNum = (t: string) => t === 'float' || (opts.numeric === true && t === 'int');
  if (isNum(typeName(expected)) && isNum(typeName(actual)) && (opts.numeric || typeName(expected) === typeName(actual))) {
    const x = asFloat(expected);
    const y = asFloat(actual);
    if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)))) out.push({ path, message: `expected ${canonicalJson(expected)}, got ${canonicalJson(actual)}` });
    return out;
  }
  if (typeName(expected) !== typeName(actual)) {
    const show = (v: unknown) => (v === null ? 'null' : `${typeName(v)} ${canonicalJson(v)}`);
    out.push({ path, message: `expected ${show(expected)}, got ${show(actual)}` });
    return out;
  }
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (a.length !== expected.length) out.push({ path, message: `expected ${expected.length} items, got ${a.length}` });
    for (let i = 0; i < Math.min(a.length, expected.length); i++) compareValues(expected[i], a[i], `${path}[${i}]`, out, opts);
    return out;
  }
  if (isObj(expected)) {
    const a = actual as Record<string, unknown>;
    for (const k of Object.keys(expected)) {
      if (!Object.hasOwn(a, k)) out.push({ path: `${path}.${k}`, message: 'missing key' });
      else compareValues(expected[k], a[k], `${path}.${k}`, out, opts);
    }
    for (const k of Object.keys(a)) if (!Object.hasOwn(expected, k)) out.push({ path: `${path}.${k}`, message: 'unexpected key' });
    return out;
  }
  if (expected !== actual) out.push({ path, message: `expected ${canonicalJson(expected)}, got ${canonicalJson(actual)}` });
  return out;
}

/** `expect_subset`: every key given must be present with that value; other keys are free. */
export function compareSubset(expected: Record<string, unknown>, actual: unknown, opts: CompareOptions = {}): Mismatch[] {
  if (!isObj(actual)) return [{ path: '$', message: `expected a map, got ${typeName(actual)}` }];
  const out: Mismatch[] = [];
  for (const k of Object.keys(expected)) {
    if (!Object.hasOwn(actual, k)) out.push({ path: `$.${k}`, message: 'missing key' });
    else compareValues(expected[k], actual[k], `$.${k}`, out, opts);
  }
  return out;
}

/** A value at a dotted path (`a.b.0.c`) of a canonical result; undefined if absent. */
export function valueAt(v: unknown, path: string | undefined): unknown {
  if (!path) return v;
  let cur: unknown = v;
  for (const seg of path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObj(cur)) cur = Object.hasOwn(cur, seg) ? cur[seg] : undefined;
    else return undefined;
  }
  return cur;
}
