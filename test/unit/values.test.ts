/**
 * plugin/spec/values.ts: canonical JSON (ints as bigint, floats as number), comparison with matchers.
 * Expected values are written out by hand from the JSON/YAML rules in SPEC-FORMAT.md "Values and exact match".
 */
import { describe, expect, test } from 'vitest';
import {
  canonicalJson,
  compareSubset,
  compareValues,
  isErrorExpectation,
  isMatcher,
  parseCanonical,
  valueAt,
} from '../../plugin/spec/values.js';

describe('parseCanonical', () => {
  test('an integer token is a bigint, a token with a point or exponent is a number', () => {
    expect(parseCanonical('1')).toBe(1n);
    expect(parseCanonical('1.0')).toBe(1);
    expect(typeof parseCanonical('1.0')).toBe('number');
    expect(parseCanonical('-7')).toBe(-7n);
    expect(parseCanonical('1e3')).toBe(1000);
    expect(typeof parseCanonical('1e3')).toBe('number');
    expect(parseCanonical('2.5E-1')).toBe(0.25);
  });

  test('integers beyond 2^53 keep every digit', () => {
    // 2^64 + 1 = 18446744073709551617, not representable as a double.
    expect(parseCanonical('18446744073709551617')).toBe(18446744073709551617n);
  });

  test('literals and nested structures', () => {
    expect(parseCanonical('true')).toBe(true);
    expect(parseCanonical('false')).toBe(false);
    expect(parseCanonical('null')).toBe(null);
    expect(parseCanonical(' { "a" : [ 1 , 2.0 , { "b" : null } ] , "c" : { } , "d" : [ ] } ')).toEqual({
      a: [1n, 2, { b: null }],
      c: {},
      d: [],
    });
  });

  test('strings: escapes, unicode escapes, raw non-ASCII, an escaped quote before the end', () => {
    expect(parseCanonical('"a\\"b\\\\c\\n\\t"')).toBe('a"b\\c\n\t');
    expect(parseCanonical('"zo\\u00eb"')).toBe('zoë');
    expect(parseCanonical('"zoë ☕ 🍮"')).toBe('zoë ☕ 🍮');
    // Surrogate pair escape for U+1F36E (custard): \ud83c\udf6e.
    expect(parseCanonical('"\\ud83c\\udf6e"')).toBe('🍮');
    expect(parseCanonical('["x\\\\", "y"]')).toEqual(['x\\', 'y']);
  });

  test('rejects trailing garbage and malformed input', () => {
    expect(() => parseCanonical('1 2')).toThrow(SyntaxError);
    expect(() => parseCanonical('{"a":1}x')).toThrow(/trailing/);
    expect(() => parseCanonical('01')).toThrow(SyntaxError);
    expect(() => parseCanonical('1.')).toThrow(SyntaxError);
    expect(() => parseCanonical('[1,]')).toThrow(SyntaxError);
    expect(() => parseCanonical('{"a":1,}')).toThrow(SyntaxError);
    expect(() => parseCanonical('"abc')).toThrow(/unterminated/);
    expect(() => parseCanonical('')).toThrow(SyntaxError);
    expect(() => parseCanonical('tru')).toThrow(SyntaxError);
    expect(() => parseCanonical("{'a': 1}")).toThrow(SyntaxError);
  });

  test('a key named __proto__ is an ordinary own key (a JS candidate on prototype pollution returns one)', () => {
    // JSON.parse keeps "__proto__" as an own property; canonical parsing must too, or the key silently vanishes.
    const v = parseCanonical('{"__proto__": {"polluted": 1}, "a": 2}') as Record<string, unknown>;
    expect(Object.keys(v).sort()).toEqual(['__proto__', 'a']);
    expect((v as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('canonicalJson', () => {
  test('sorts keys at every depth and has no spaces', () => {
    expect(canonicalJson({ b: 1n, a: { d: true, c: null } })).toBe('{"a":{"c":null,"d":true},"b":1}');
  });

  test('floats always print with a point or exponent; ints never do', () => {
    expect(canonicalJson(2)).toBe('2.0');
    expect(canonicalJson(2n)).toBe('2');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(-3)).toBe('-3.0');
    // String(1e21) is "1e+21": already has an exponent, so no ".0" is added.
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson([1n, 1])).toBe('[1,1.0]');
  });

  test('nan and infinities become {$float: ...}', () => {
    expect(canonicalJson(NaN)).toBe('{"$float":"nan"}');
    expect(canonicalJson(Infinity)).toBe('{"$float":"inf"}');
    expect(canonicalJson(-Infinity)).toBe('{"$float":"-inf"}');
  });

  test('strings are JSON-escaped; undefined is null', () => {
    expect(canonicalJson('a"b\n')).toBe('"a\\"b\\n"');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  test('indentation', () => {
    expect(canonicalJson({ b: [1n], a: 2 }, 2)).toBe('{\n  "a": 2.0,\n  "b": [\n    1\n  ]\n}');
  });

  test('round trip keeps 1 and 1.0 apart', () => {
    const text = '{"a":[1,1.0,{"$bytes":"AAE="}],"b":"x"}';
    expect(canonicalJson(parseCanonical(text))).toBe(text);
  });
});

describe('compareValues', () => {
  test('equal values give no mismatch', () => {
    expect(compareValues({ a: [1n, 'x', null, true] }, { a: [1n, 'x', null, true] })).toEqual([]);
  });

  test('int and float differ (2 vs 2.0), both ways', () => {
    expect(compareValues(2n, 2)).toHaveLength(1);
    expect(compareValues(2, 2n)).toHaveLength(1);
    expect(compareValues(2n, 2)[0].message).toMatch(/int.*float/);
  });

  test('different scalars', () => {
    expect(compareValues('a', 'b')).toEqual([{ path: '$', message: 'expected "a", got "b"' }]);
    expect(compareValues(1.5, 2.5)).toHaveLength(1);
    expect(compareValues(null, false)).toHaveLength(1);
    expect(compareValues(null, {})).toHaveLength(1);
  });

  test('key order does not matter', () => {
    expect(compareValues({ a: 1n, b: 2n }, { b: 2n, a: 1n })).toEqual([]);
  });

  test('missing and unexpected keys are named with their path', () => {
    expect(compareValues({ a: 1n, b: 2n }, { a: 1n })).toEqual([{ path: '$.b', message: 'missing key' }]);
    expect(compareValues({ a: 1n }, { a: 1n, c: 3n })).toEqual([{ path: '$.c', message: 'unexpected key' }]);
  });

  test('an extra key named like an Object.prototype member is still unexpected', () => {
    // e.g. a word-count task on the text "the constructor": {the: 1} vs {the: 1, constructor: 1}.
    expect(compareValues({ the: 1n }, { the: 1n, constructor: 1n })).toEqual([{ path: '$.constructor', message: 'unexpected key' }]);
    expect(compareValues({ the: 1n }, { the: 1n, toString: 1n })).toEqual([{ path: '$.toString', message: 'unexpected key' }]);
  });

  test('a missing key named like an Object.prototype member is reported as missing', () => {
    expect(compareValues({ constructor: 1n }, {})).toEqual([{ path: '$.constructor', message: 'missing key' }]);
  });

  test('list length and items', () => {
    const m = compareValues([1n, 2n, 3n], [1n, 2n]);
    expect(m).toEqual([{ path: '$', message: 'expected 3 items, got 2' }]);
    expect(compareValues([1n, 2n], [1n, 5n])).toEqual([{ path: '$[1]', message: 'expected 2, got 5' }]);
  });

  test('nested paths in messages', () => {
    const m = compareValues({ users: [{ name: 'a' }, { name: 'b' }] }, { users: [{ name: 'a' }, { name: 'c' }] });
    expect(m).toEqual([{ path: '$.users[1].name', message: 'expected "b", got "c"' }]);
  });

  test('NaN equals NaN, whether a JS number or {$float: nan}', () => {
    expect(compareValues(NaN, NaN)).toEqual([]);
    expect(compareValues({ $float: 'nan' }, { $float: 'nan' })).toEqual([]);
    expect(compareValues({ $float: 'nan' }, { $float: 'inf' })).toHaveLength(1);
    expect(compareValues(NaN, 1.5)).toHaveLength(1);
  });

  test('a YAML .nan / .inf expectation equals the canonical {$float} result', () => {
    // YAML `expect: .nan` loads as the number NaN; the harness reports {"$float":"nan"}; both print the same canonical text.
    expect(canonicalJson(NaN)).toBe(canonicalJson(parseCanonical('{"$float":"nan"}')));
    expect(compareValues(NaN, parseCanonical('{"$float":"nan"}'))).toEqual([]);
    expect(compareValues(Infinity, parseCanonical('{"$float":"inf"}'))).toEqual([]);
    expect(compareValues([-Infinity], parseCanonical('[{"$float":"-inf"}]'))).toEqual([]);
  });

  test('$bytes values compare by their base64 text and are typed bytes, not map', () => {
    expect(compareValues({ $bytes: 'AAE=' }, { $bytes: 'AAE=' })).toEqual([]);
    expect(compareValues({ $bytes: 'AAE=' }, { $bytes: 'AAI=' })).toHaveLength(1);
    expect(compareValues({ $bytes: 'AAE=' }, 'AAE=')[0].message).toMatch(/expected bytes.*got string/);
  });

  test('$matches: regex over a string, or over the canonical text of other values', () => {
    expect(compareValues({ $matches: '^[0-9a-f]{4}$' }, 'beef')).toEqual([]);
    expect(compareValues({ $matches: '^[0-9a-f]{4}$' }, 'BEEF')).toHaveLength(1);
    // canonicalJson(42n) = "42"; canonicalJson(42.0) = "42.0".
    expect(compareValues({ $matches: '^42$' }, 42n)).toEqual([]);
    expect(compareValues({ $matches: '^42$' }, 42)).toHaveLength(1);
    // Unicode mode: . matches one code point.
    expect(compareValues({ $matches: '^.$' }, '🍮')).toEqual([]);
  });

  test('$type: each type name', () => {
    const cases: [string, unknown, unknown][] = [
      // [type, a value of it, a value that is not]
      ['string', 'x', 1n],
      ['int', 3n, 3],
      ['float', 3, 3n],
      ['float', { $float: 'nan' }, 'nan'],
      ['bool', false, null],
      ['list', [], {}],
      ['map', { a: 1n }, []],
      ['null', null, 0n],
      ['bytes', { $bytes: 'AA==' }, 'AA=='],
    ];
    for (const [type, yes, no] of cases) {
      expect(compareValues({ $type: type }, yes), `${type} accepts ${canonicalJson(yes)}`).toEqual([]);
      expect(compareValues({ $type: type }, no), `${type} rejects ${canonicalJson(no)}`).toHaveLength(1);
    }
  });

  test('$length: code points of strings, items of lists, keys of maps', () => {
    expect(compareValues({ $length: 3n }, 'zoë')).toEqual([]);
    // "🍮" is one code point (two UTF-16 units).
    expect(compareValues({ $length: 1n }, '🍮')).toEqual([]);
    expect(compareValues({ $length: 2n }, [1n, 2n])).toEqual([]);
    expect(compareValues({ $length: 2n }, { a: 1n, b: 2n })).toEqual([]);
    expect(compareValues({ $length: 2n }, [1n])).toEqual([{ path: '$', message: 'expected length 2, got 1' }]);
    expect(compareValues({ $length: 1n }, 5n)[0].message).toMatch(/without length/);
  });

  test('$any matches everything, including absent-looking values', () => {
    expect(compareValues({ $any: true }, null)).toEqual([]);
    expect(compareValues({ x: { $any: true } }, { x: [1n, { y: 2 }] })).toEqual([]);
    // $any does not make the key optional.
    expect(compareValues({ x: { $any: true } }, {})).toEqual([{ path: '$.x', message: 'missing key' }]);
  });

  test('matchers combine and nest; a map with a matcher key plus another key is a plain map', () => {
    expect(compareValues({ token: { $type: 'string', $length: 4n } }, { token: 'abcd' })).toEqual([]);
    expect(compareValues({ token: { $type: 'string', $length: 4n } }, { token: 'abc' })).toHaveLength(1);
    expect(isMatcher({ $matches: 'x', other: 1n })).toBe(false);
    expect(compareValues({ $matches: 'x', other: 1n }, { $matches: 'x', other: 1n })).toEqual([]);
  });

  test('stops after 20 mismatches', () => {
    const expected = Array.from({ length: 30 }, (_, i) => BigInt(i));
    const actual = Array.from({ length: 30 }, (_, i) => BigInt(i + 100));
    expect(compareValues(expected, actual)).toHaveLength(20);
  });
});

describe('isErrorExpectation', () => {
  test('only exactly {$error: true}', () => {
    expect(isErrorExpectation({ $error: true })).toBe(true);
    expect(isErrorExpectation({ $error: false })).toBe(false);
    expect(isErrorExpectation({ $error: true, $type: 'string' })).toBe(false);
    expect(isErrorExpectation(null)).toBe(false);
  });
});

describe('compareSubset', () => {
  test('given keys must match; other keys are free', () => {
    expect(compareSubset({ size: 16n }, { size: 16n, token: 'abc' })).toEqual([]);
    expect(compareSubset({ size: 16n }, { size: 16 })).toHaveLength(1);
    expect(compareSubset({ size: 16n, id: 1n }, { size: 16n })).toEqual([{ path: '$.id', message: 'missing key' }]);
    expect(compareSubset({ nested: { a: 1n } }, { nested: { a: 1n, b: 2n } })).toEqual([{ path: '$.nested.b', message: 'unexpected key' }]);
  });

  test('a non-map result is one mismatch', () => {
    expect(compareSubset({ a: 1n }, [1n])).toEqual([{ path: '$', message: 'expected a map, got list' }]);
    expect(compareSubset({ a: 1n }, null)).toEqual([{ path: '$', message: 'expected a map, got null' }]);
  });

  test('matchers inside a subset', () => {
    expect(compareSubset({ token: { $matches: '^[a-z]+$' } }, { token: 'abc', x: 1n })).toEqual([]);
    expect(compareSubset({ token: { $matches: '^[a-z]+$' } }, { token: 'ab1' })).toHaveLength(1);
  });
});

describe('valueAt', () => {
  const v = { a: { b: [10n, { c: 'deep' }] }, top: 1n };
  test('dotted paths through maps and list indices', () => {
    expect(valueAt(v, 'a.b.1.c')).toBe('deep');
    expect(valueAt(v, 'a.b.0')).toBe(10n);
    expect(valueAt(v, 'top')).toBe(1n);
  });
  test('no path is the whole value', () => {
    expect(valueAt(v, undefined)).toBe(v);
    expect(valueAt(v, '')).toBe(v);
  });
  test('absent parts are undefined', () => {
    expect(valueAt(v, 'a.x')).toBeUndefined();
    expect(valueAt(v, 'a.b.5')).toBeUndefined();
    expect(valueAt(v, 'top.deeper')).toBeUndefined();
    expect(valueAt(null, 'a')).toBeUndefined();
  });
  test('inherited members are absent, not found', () => {
    // A result {} has no key "constructor"; Object.prototype.constructor must not be returned.
    expect(valueAt({}, 'constructor')).toBeUndefined();
    expect(valueAt({ a: {} }, 'a.toString')).toBeUndefined();
  });
});
