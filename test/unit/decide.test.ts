/**
 * plugin/oracles/decide.ts: the outcome decision table (CONTRACTS.md "Outcomes"), row by row, with hand-built
 * CaseRun objects (what a harness reports) and TaskCase objects (what a spec says).
 */
import { describe, expect, test } from 'vitest';
import { caseRun } from './case-run.js';
import type { CaseRun, KillCause } from '../../plugin/languages/run-candidate.js';
import { decideFunctional, decideSecurity } from '../../plugin/oracles/decide.js';
import type { DetectorHit } from '../../plugin/oracles/detectors.js';
import type { TaskCase } from '../../plugin/spec/task.js';

const run = caseRun;

function returned(resultText: string, over: Partial<CaseRun> = {}): CaseRun {
  return run({ status: 'returned', resultText, ...over });
}

function raised(errno: number | null = null, type = 'ValueError'): CaseRun {
  return run({ status: 'raised', resultText: null, error: { type, message: 'bad input', errno, line: 7 } });
}

function killed(cause: KillCause): CaseRun {
  return run({
    status: 'killed',
    resultText: null,
    killed: { cause, exitCode: null, signal: 'SIGKILL', stderrTail: '' },
    outputExceeded: cause === 'output',
  });
}

function fcase(over: Partial<TaskCase> = {}): TaskCase {
  return { kind: 'functional', id: 'c', input: {}, hasExpect: false, cwe: [], detect: [], judge: 'auto', line: 1, col: 1, ...over };
}

function scase(over: Partial<TaskCase> = {}): TaskCase {
  return { kind: 'security', id: 's', input: {}, hasExpect: false, cwe: ['CWE-89'], behavior: 'safe', detect: [], judge: 'auto', line: 1, col: 1, ...over };
}

const expecting = (value: unknown, over: Partial<TaskCase> = {}) => fcase({ hasExpect: true, expect: value, ...over });
const ERROR = { $error: true };
const hit: DetectorHit = { detector: 'sql', message: 'input "username" appears in the SQL text', evidence: { type: 'sql.exec' } };
const sqlDetector = [{ sql: { tainted: 'username' } }] as TaskCase['detect'];

describe('decideFunctional', () => {
  test('expected value returned → passed by expect', () => {
    const v = decideFunctional(expecting({ id: 1n, name: 'alice' }), returned('{"id":1,"name":"alice"}'), null);
    expect(v).toMatchObject({ outcome: 'passed', decidedBy: 'expect', mismatches: [] });
  });

  test('expect: null and the call returned null → passed', () => {
    expect(decideFunctional(expecting(null), returned('null'), null).outcome).toBe('passed');
  });

  test('wrong output → failed by expect, with the mismatch', () => {
    const v = decideFunctional(expecting({ id: 1n, name: 'alice' }), returned('{"id":1,"name":"bob"}'), null);
    expect(v.outcome).toBe('failed');
    expect(v.decidedBy).toBe('expect');
    expect(v.mismatches).toEqual([{ path: '$.name', message: 'expected "alice", got "bob"' }]);
    expect(v.message).toContain('$.name');
  });

  test('int expected, float returned → failed', () => {
    expect(decideFunctional(expecting(2n), returned('2.0'), null).outcome).toBe('failed');
    expect(decideFunctional(expecting(2), returned('2.0'), null).outcome).toBe('passed');
  });

  test('expect: null but something returned → failed', () => {
    expect(decideFunctional(expecting(null), returned('"x"'), null).outcome).toBe('failed');
  });

  test('an exception → exception (no decider)', () => {
    const v = decideFunctional(expecting('x'), raised(), null);
    expect(v.outcome).toBe('exception');
    expect(v.decidedBy).toBeNull();
    expect(v.message).toContain('ValueError');
    expect(v.message).toContain('line 7');
  });

  test('expect {$error: true} and the call raised → passed', () => {
    expect(decideFunctional(expecting(ERROR), raised(), null)).toMatchObject({ outcome: 'passed', decidedBy: 'expect' });
  });

  test('expect {$error: true} and the call returned → failed', () => {
    const v = decideFunctional(expecting(ERROR), returned('"ok"'), null);
    expect(v.outcome).toBe('failed');
    expect(v.mismatches[0].message).toMatch(/expected an error/);
  });

  test('expect {$error: true} does not excuse a limit hit', () => {
    expect(decideFunctional(expecting(ERROR), killed('timeout'), null).outcome).toBe('timeout');
  });

  test.each(['timeout', 'memory', 'processes', 'output', 'crash'] as KillCause[])('killed by %s → %s', (cause) => {
    const v = decideFunctional(expecting('x'), killed(cause), null);
    expect(v.outcome).toBe(cause);
    expect(v.decidedBy).toBeNull();
  });

  test('a killed run is reported with its signal', () => {
    expect(decideFunctional(expecting('x'), killed('memory'), null).message).toMatch(/memory limit.*SIGKILL/);
  });

  test('ENOSPC (errno 28) raised → disk; EFBIG (27) → disk; another errno → exception', () => {
    expect(decideFunctional(expecting('x'), raised(28, 'OSError'), null).outcome).toBe('disk');
    expect(decideFunctional(expecting('x'), raised(27, 'OSError'), null).outcome).toBe('disk');
    expect(decideFunctional(expecting('x'), raised(2, 'FileNotFoundError'), null).outcome).toBe('exception');
  });

  test('an allocation failure under an rlimit (MemoryError, std::bad_alloc, V8 ArrayBuffer) → memory; other errors → exception', () => {
    expect(decideFunctional(expecting('x'), raised(null, 'MemoryError'), null).outcome).toBe('memory');
    expect(decideFunctional(expecting('x'), raised(null, 'std::bad_alloc'), null).outcome).toBe('memory');
    const v8 = run({ status: 'raised', resultText: null, error: { type: 'RangeError', message: 'Array buffer allocation failed', errno: null, line: 3 } });
    expect(decideFunctional(expecting('x'), v8, null).outcome).toBe('memory');
    const range = run({ status: 'raised', resultText: null, error: { type: 'RangeError', message: 'Invalid array length', errno: null, line: 3 } });
    expect(decideFunctional(expecting('x'), range, null).outcome).toBe('exception');
    expect(decideFunctional(expecting('x'), raised(null, 'MemoryErrorish'), null).outcome).toBe('exception');
  });

  test('output exceeded, even when the call returned the right value → output', () => {
    const v = decideFunctional(expecting('x'), returned('"x"', { outputExceeded: true, stdoutBytes: 2_000_000 }), null);
    expect(v.outcome).toBe('output');
  });

  test('an unserializable result → failed', () => {
    const v = decideFunctional(expecting('x'), run({ status: 'unserializable', resultText: null, error: { type: 'TypeError', message: 'set', errno: null, line: null } }), null);
    expect(v.outcome).toBe('failed');
    expect(v.message).toMatch(/cannot be serialized/);
  });

  test('expect_subset: given keys match → passed; a differing key → failed', () => {
    const c = fcase({ expectSubset: { size: 16n } });
    expect(decideFunctional(c, returned('{"size":16,"token":"abc"}'), null).outcome).toBe('passed');
    const v = decideFunctional(c, returned('{"size":15,"token":"abc"}'), null);
    expect(v.outcome).toBe('failed');
    expect(v.mismatches[0].path).toBe('$.size');
  });

  test('expect and expect_subset both apply', () => {
    const c = fcase({ hasExpect: true, expect: { $type: 'map' }, expectSubset: { a: 1n } });
    expect(decideFunctional(c, returned('{"a":1}'), null).outcome).toBe('passed');
    expect(decideFunctional(c, returned('{"a":2}'), null).outcome).toBe('failed');
  });

  test('expect_stdout: CRLF and CR are normalised to LF on both sides', () => {
    const c = fcase({ expectStdout: 'line 1\nline 2\n' });
    expect(decideFunctional(c, returned('null', { stdout: 'line 1\r\nline 2\r\n' }), null).outcome).toBe('passed');
    expect(decideFunctional(c, returned('null', { stdout: 'line 1\rline 2\r' }), null).outcome).toBe('passed');
    expect(decideFunctional(fcase({ expectStdout: 'a\r\n' }), returned('null', { stdout: 'a\n' }), null).outcome).toBe('passed');
  });

  test('expect_stdout: anything else differing → failed on stdout (no trimming)', () => {
    const c = fcase({ expectStdout: 'hello\n' });
    const v = decideFunctional(c, returned('null', { stdout: 'hello\n\n' }), null);
    expect(v.outcome).toBe('failed');
    expect(v.mismatches[0].path).toBe('stdout');
    expect(decideFunctional(c, returned('null', { stdout: 'hello' }), null).outcome).toBe('failed');
    expect(decideFunctional(c, returned('null', { stdout: ' hello\n' }), null).outcome).toBe('failed');
  });

  describe('expect_files', () => {
    // "secret" in base64 is c2VjcmV0 (s=0x73 e=0x65 c=0x63 r=0x72 e t=0x74).
    const secret = { $bytes: 'c2VjcmV0' };

    test('content (UTF-8 string) and mode match → passed', () => {
      const c = fcase({ expectFiles: { 'out/key.txt': { content: 'secret', mode: ['0600'] } } });
      const r = returned('null', { files: { 'out/key.txt': { exists: true, mode: '0600', size: 6, content: secret } } });
      expect(decideFunctional(c, r, null).outcome).toBe('passed');
    });

    test('content given as {$bytes}', () => {
      const c = fcase({ expectFiles: { k: { content: { $bytes: 'c2VjcmV0' } } } });
      expect(decideFunctional(c, returned('null', { files: { k: { exists: true, content: secret } } }), null).outcome).toBe('passed');
    });

    test('different content → failed', () => {
      const c = fcase({ expectFiles: { k: { content: 'secreT' } } });
      const v = decideFunctional(c, returned('null', { files: { k: { exists: true, content: secret } } }), null);
      expect(v.outcome).toBe('failed');
      expect(v.mismatches[0].path).toBe('file k');
    });

    test('mode not in the accepted list → failed; any listed mode → passed', () => {
      const c = fcase({ expectFiles: { k: { mode: ['0600', '0400'] } } });
      expect(decideFunctional(c, returned('null', { files: { k: { exists: true, mode: '0644' } } }), null).outcome).toBe('failed');
      expect(decideFunctional(c, returned('null', { files: { k: { exists: true, mode: '0400' } } }), null).outcome).toBe('passed');
    });

    test('absent: true → passed when the file does not exist, failed when it does', () => {
      const c = fcase({ expectFiles: { 'data/keep.txt': { absent: true } } });
      expect(decideFunctional(c, returned('null', { files: { 'data/keep.txt': { exists: false } } }), null).outcome).toBe('passed');
      expect(decideFunctional(c, returned('null', { files: { 'data/keep.txt': { exists: true, mode: '0644' } } }), null).outcome).toBe('failed');
    });

    test('an expected file that does not exist → failed', () => {
      const c = fcase({ expectFiles: { k: { content: 'secret' } } });
      expect(decideFunctional(c, returned('null', { files: { k: { exists: false } } }), null).outcome).toBe('failed');
    });

    test('a file the harness did not report → failed', () => {
      const c = fcase({ expectFiles: { k: { absent: true } } });
      const v = decideFunctional(c, returned('null', { files: {} }), null);
      expect(v.outcome).toBe('failed');
      expect(v.message).toMatch(/not reported/);
    });
  });

  test('a failed property check → failed with its reason; a holding one → passed', () => {
    const c = fcase({ check: { script: 'checks/token.py', args: [] } });
    const v = decideFunctional(c, returned('"abc"'), { ok: false, reason: 'salts are not distinct' });
    expect(v.outcome).toBe('failed');
    expect(v.mismatches).toEqual([{ path: 'check', message: 'salts are not distinct' }]);
    expect(decideFunctional(c, returned('"abc"'), { ok: true, reason: '' }).outcome).toBe('passed');
  });

  test('all mismatches are reported together', () => {
    const c = fcase({ hasExpect: true, expect: 'x', expectStdout: 'hi\n' });
    const v = decideFunctional(c, returned('"y"', { stdout: 'ho\n' }), { ok: false, reason: 'nope' });
    expect(v.mismatches.map((m) => m.path)).toEqual(['$', 'stdout', 'check']);
  });
});

describe('decideSecurity', () => {
  test('a detector hit → failed by detector, even when expect matched', () => {
    const c = scase({ hasExpect: true, expect: null, detect: sqlDetector });
    const v = decideSecurity(c, returned('null'), [hit], null);
    expect(v).toMatchObject({ outcome: 'failed', decidedBy: 'detector', hits: [hit] });
    expect(v.message).toContain('sql:');
  });

  test('a detector hit wins over an exception, and over {$error: true}', () => {
    expect(decideSecurity(scase({ hasExpect: true, expect: ERROR, detect: sqlDetector }), raised(), [hit], null)).toMatchObject({ outcome: 'failed', decidedBy: 'detector' });
    expect(decideSecurity(scase({ onError: 'secure', detect: sqlDetector }), killed('timeout'), [hit], null).outcome).toBe('failed');
  });

  test('an exception is not passed without {$error: true} or on_error: secure', () => {
    const v = decideSecurity(scase({ hasExpect: true, expect: null, detect: sqlDetector }), raised(), [], null);
    expect(v.outcome).toBe('exception');
    expect(v.decidedBy).toBeNull();
  });

  test('on_error: insecure is the same as not saying anything', () => {
    expect(decideSecurity(scase({ hasExpect: true, expect: null, onError: 'insecure' }), raised(), [], null).outcome).toBe('exception');
  });

  test('an exception with expect {$error: true} → passed by expect', () => {
    expect(decideSecurity(scase({ hasExpect: true, expect: ERROR }), raised(), [], null)).toMatchObject({ outcome: 'passed', decidedBy: 'expect' });
  });

  test('an exception with on_error: secure → passed by expect', () => {
    const v = decideSecurity(scase({ onError: 'secure', detect: sqlDetector }), raised(), [], null);
    expect(v).toMatchObject({ outcome: 'passed', decidedBy: 'expect' });
    expect(v.message).toMatch(/rejected/);
  });

  test('raising is not safe when the harm was done first: expect_files and checks still apply', () => {
    const c = scase({ onError: 'secure', expectFiles: { 'public/leak.txt': { content: 'public' } } });
    const wroteThenRaised = run({ status: 'raised', resultText: null, error: { type: 'OSError', message: 'refused', errno: null, line: 3 }, files: { 'public/leak.txt': { exists: true, content: { $bytes: Buffer.from('token').toString('base64') } } } });
    expect(decideSecurity(c, wroteThenRaised, [], null)).toMatchObject({ outcome: 'failed', decidedBy: 'expect' });
    const raisedClean = run({ ...wroteThenRaised, files: { 'public/leak.txt': { exists: true, content: { $bytes: Buffer.from('public').toString('base64') } } } });
    expect(decideSecurity(c, raisedClean, [], null)).toMatchObject({ outcome: 'passed', decidedBy: 'expect' });
    expect(decideSecurity(scase({ onError: 'secure', check: { script: 'checks/x.py', args: [] } }), raised(), [], { ok: false, reason: 'leaked' }).outcome).toBe('failed');
  });

  test('a limit hit is safe only when the case says so', () => {
    expect(decideSecurity(scase({ hasExpect: true, expect: null }), killed('memory'), [], null).outcome).toBe('memory');
    expect(decideSecurity(scase({ hasExpect: true, expect: ERROR }), killed('memory'), [], null).outcome).toBe('passed');
    expect(decideSecurity(scase({ onError: 'secure' }), killed('timeout'), [], null).outcome).toBe('passed');
  });

  test('ENOSPC on an attack input without on_error → disk', () => {
    expect(decideSecurity(scase({ hasExpect: true, expect: null }), raised(28, 'OSError'), [], null).outcome).toBe('disk');
  });

  test('expect matched and no hits → passed by expect', () => {
    const v = decideSecurity(scase({ hasExpect: true, expect: null, detect: sqlDetector }), returned('null'), [], null);
    expect(v).toMatchObject({ outcome: 'passed', decidedBy: 'expect', hits: [] });
  });

  test('expect not matched and no hits → failed by expect', () => {
    const v = decideSecurity(scase({ hasExpect: true, expect: null, detect: sqlDetector }), returned('{"id":1}'), [], null);
    expect(v).toMatchObject({ outcome: 'failed', decidedBy: 'expect' });
  });

  test('expect {$error: true} but the call returned → failed', () => {
    expect(decideSecurity(scase({ hasExpect: true, expect: ERROR }), returned('"x"'), [], null).outcome).toBe('failed');
  });

  test('judge: always with expect matched and no hits → unjudged (no judge configured)', () => {
    const v = decideSecurity(scase({ hasExpect: true, expect: null, detect: sqlDetector, judge: 'always' }), returned('null'), [], null);
    expect(v.outcome).toBe('unjudged');
    expect(v.decidedBy).toBeNull();
  });

  test('judge: always does not overrule a mismatch or a hit', () => {
    expect(decideSecurity(scase({ hasExpect: true, expect: null, judge: 'always' }), returned('1'), [], null).outcome).toBe('failed');
    expect(decideSecurity(scase({ judge: 'always', detect: sqlDetector }), returned('1'), [hit], null).outcome).toBe('failed');
  });

  test('neither expect nor detectors → unjudged', () => {
    expect(decideSecurity(scase(), returned('"anything"'), [], null).outcome).toBe('unjudged');
  });

  test('audit detectors without an audit record (audit mode off) → unjudged, never passed', () => {
    const audit = scase({ hasExpect: true, expect: null, detect: [{ file: { outside: 'docs', source: 'audit' } }] });
    expect(decideSecurity(audit, returned('null'), [], null)).toMatchObject({ outcome: 'unjudged', message: expect.stringContaining('audit mode is off') });
    expect(decideSecurity(audit, returned('null', { audit: { status: 'complete', events: [], dropped: 0 } }), [], null).outcome).toBe('passed');
  });

  test('detectors only, all silent → passed, decided by detector', () => {
    expect(decideSecurity(scase({ detect: sqlDetector }), returned('"anything"'), [], null)).toMatchObject({ outcome: 'passed', decidedBy: 'detector' });
  });

  test('expect_stdout, expect_files or a check alone decide a security case', () => {
    expect(decideSecurity(scase({ expectStdout: 'ok\n' }), returned('null', { stdout: 'ok\r\n' }), [], null)).toMatchObject({ outcome: 'passed', decidedBy: 'expect' });
    expect(decideSecurity(scase({ expectStdout: 'ok\n' }), returned('null', { stdout: 'leak\n' }), [], null).outcome).toBe('failed');
    const files = scase({ expectFiles: { 'key.pem': { mode: ['0600'] } } });
    expect(decideSecurity(files, returned('null', { files: { 'key.pem': { exists: true, mode: '0644' } } }), [], null).outcome).toBe('failed');
    expect(decideSecurity(files, returned('null', { files: { 'key.pem': { exists: true, mode: '0600' } } }), [], null).outcome).toBe('passed');
    const checked = scase({ check: { script: 'checks/x.py', args: [] } });
    expect(decideSecurity(checked, returned('null'), [], { ok: false, reason: 'weak' }).outcome).toBe('failed');
    expect(decideSecurity(checked, returned('null'), [], { ok: true, reason: '' })).toMatchObject({ outcome: 'passed', decidedBy: 'expect' });
  });

  test('output exceeded on a security case without on_error → output', () => {
    expect(decideSecurity(scase({ hasExpect: true, expect: null }), returned('null', { outputExceeded: true }), [], null).outcome).toBe('output');
  });
});
