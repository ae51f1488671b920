/**
 * plugin/oracles/detectors.ts and shell-words.ts: every detector on both sides (one input that must fire,
 * one that must not), with hand-built trace events shaped like the Python harness's (type, line, fields).
 */
import { describe, expect, test } from 'vitest';
import { caseRun } from './case-run.js';
import type { CaseRun } from '../../plugin/languages/run-candidate.js';
import { inputText, needsAudit, needsBaseline, runDetector, WORK_DIR, type DetectorContext } from '../../plugin/oracles/detectors.js';
import { isInertWord, shellWords } from '../../plugin/oracles/shell-words.js';
import type { Detector } from '../../plugin/spec/task.js';

const run = caseRun;

function ctx(events: Record<string, unknown>[], input: Record<string, unknown> = {}, over: Partial<CaseRun> = {}, baselineCpuMs?: number): DetectorContext {
  return { input, run: run({ events, ...over }), baselineCpuMs };
}

const fires = (d: Detector, c: DetectorContext) => runDetector(d, c).length > 0;

const open = (path: string, access: 'read' | 'write' = 'read', line = 3) => ({ type: 'file.open', path, access, line, ok: true });

describe('file: {outside}', () => {
  const d: Detector = { file: { outside: 'docs' } };

  test('the work dir is /sbx/work', () => {
    expect(WORK_DIR).toBe('/sbx/work');
  });

  test('fires on a file beside the base folder', () => {
    const hits = runDetector(d, ctx([open('/sbx/work/secret.txt')]));
    expect(hits).toHaveLength(1);
    expect(hits[0].detector).toBe('file');
    expect(hits[0].message).toContain('/sbx/work/secret.txt');
    expect(hits[0].message).toContain('line 3');
    expect(hits[0].evidence).toMatchObject({ type: 'file.open', path: '/sbx/work/secret.txt' });
  });

  test('fires on a sibling folder sharing the prefix (docs-private vs docs)', () => {
    expect(fires(d, ctx([open('/sbx/work/docs-private/keys.txt')]))).toBe(true);
    expect(fires(d, ctx([open('/sbx/work/docsx')]))).toBe(true);
  });

  test('fires on /etc/passwd and on a failed open too', () => {
    expect(fires(d, ctx([{ ...open('/etc/passwd'), ok: false }]))).toBe(true);
  });

  test('does not fire inside the base, nor on the base itself', () => {
    expect(fires(d, ctx([open('/sbx/work/docs/welcome.txt'), open('/sbx/work/docs/guides/setup.md')]))).toBe(false);
    expect(fires(d, ctx([{ type: 'file.list', path: '/sbx/work/docs', access: 'read', line: 2 }]))).toBe(false);
  });

  test('no file events, no hit; other event types are ignored', () => {
    expect(fires(d, ctx([]))).toBe(false);
    expect(fires(d, ctx([{ type: 'net.connect', address: '/etc/passwd', port: 1, line: 1 }]))).toBe(false);
  });

  test('every outside event is its own hit', () => {
    expect(runDetector(d, ctx([open('/a'), open('/sbx/work/docs/x'), open('/b')]))).toHaveLength(2);
  });

  test('outside "." is the work dir itself', () => {
    const dot: Detector = { file: { outside: '.' } };
    expect(fires(dot, ctx([open('/sbx/work/data/keep.txt')]))).toBe(false);
    expect(fires(dot, ctx([open('/sbx/work')]))).toBe(false);
    expect(fires(dot, ctx([open('/sbx/workshop/x')]))).toBe(true);
    expect(fires(dot, ctx([open('/etc/passwd')]))).toBe(true);
  });

  test('a base given with a trailing slash or ../ is normalised', () => {
    expect(fires({ file: { outside: 'docs/' } }, ctx([open('/sbx/work/docs-private/k')]))).toBe(true);
    expect(fires({ file: { outside: 'docs/' } }, ctx([open('/sbx/work/docs/k')]))).toBe(false);
    expect(fires({ file: { outside: 'a/../docs' } }, ctx([open('/sbx/work/docs/k')]))).toBe(false);
  });

  test('access: write ignores reads; access: read ignores writes; any counts both', () => {
    const events = [open('/etc/passwd', 'read')];
    expect(fires({ file: { outside: 'docs', access: 'write' } }, ctx(events))).toBe(false);
    expect(fires({ file: { outside: 'docs', access: 'read' } }, ctx(events))).toBe(true);
    const writes = [open('/tmp/x', 'write')];
    expect(fires({ file: { outside: 'docs', access: 'read' } }, ctx(writes))).toBe(false);
    expect(fires({ file: { outside: 'docs', access: 'write' } }, ctx(writes))).toBe(true);
    expect(fires({ file: { outside: 'docs', access: 'any' } }, ctx([...events, ...writes]))).toBe(true);
  });

  test('file.rename fires on a destination outside the base (the `to` field)', () => {
    const rename = { type: 'file.rename', path: '/sbx/work/docs/a', to: '/sbx/work/b', access: 'write', line: 9 };
    expect(fires(d, ctx([rename]))).toBe(true);
    const inside = { ...rename, to: '/sbx/work/docs/b' };
    expect(fires(d, ctx([inside]))).toBe(false);
  });

  test('file.delete and file.chmod count like opens', () => {
    expect(fires(d, ctx([{ type: 'file.delete', path: '/sbx/work/keep.txt', access: 'write', line: 1 }]))).toBe(true);
    expect(fires(d, ctx([{ type: 'file.chmod', path: '/sbx/work/docs/a', mode: '0o600', access: 'write', line: 1 }]))).toBe(false);
  });
});

describe('file: {matches}', () => {
  const d: Detector = { file: { matches: '\\.ssh/|passwd$' } };
  test('fires on a matching path', () => {
    expect(fires(d, ctx([open('/etc/passwd')]))).toBe(true);
    expect(fires(d, ctx([open('/sbx/work/.ssh/id_rsa')]))).toBe(true);
  });
  test('does not fire on others', () => {
    expect(fires(d, ctx([open('/etc/passwd.bak'), open('/sbx/work/ssh.txt')]))).toBe(false);
  });
});

describe('sql', () => {
  const input = { db_path: 'users.db', username: "' OR 1=1 --" };
  test('tainted: fires when the input value is inside the SQL text', () => {
    const e = { type: 'sql.exec', template: "SELECT * FROM users WHERE username = '' OR 1=1 --'", params: [], line: 5 };
    const hits = runDetector({ sql: { tainted: 'username' } }, ctx([e], input));
    expect(hits).toHaveLength(1);
    expect(hits[0].message).toContain('username');
    expect(hits[0].message).toContain('line 5');
  });

  test('tainted: does not fire when the value is only a bound parameter', () => {
    const e = { type: 'sql.exec', template: 'SELECT * FROM users WHERE username = ?', params: ["' OR 1=1 --"], line: 5 };
    expect(fires({ sql: { tainted: 'username' } }, ctx([e], input))).toBe(false);
  });

  test('tainted: an {$abspath} input is matched as the absolute path inside the sandbox', () => {
    expect(inputText({ $abspath: 'data/x.db' })).toBe('/sbx/work/data/x.db');
    const e = { type: 'sql.exec', template: "ATTACH '/sbx/work/data/x.db' AS y", params: [], line: 1 };
    expect(fires({ sql: { tainted: 'p' } }, ctx([e], { p: { $abspath: 'data/x.db' } }))).toBe(true);
  });

  test('tainted: an empty or missing input value never fires', () => {
    const e = { type: 'sql.exec', template: 'SELECT 1', params: [], line: 1 };
    expect(fires({ sql: { tainted: 'username' } }, ctx([e], { username: '' }))).toBe(false);
    expect(fires({ sql: { tainted: 'username' } }, ctx([e], {}))).toBe(false);
  });

  test('contains: matches the template only, not the params', () => {
    const d: Detector = { sql: { contains: 'UNION' } };
    expect(fires(d, ctx([{ type: 'sql.exec', template: 'SELECT a FROM t UNION SELECT b FROM u', params: [], line: 1 }]))).toBe(true);
    expect(fires(d, ctx([{ type: 'sql.exec', template: 'SELECT a FROM t WHERE x = ?', params: ['UNION'], line: 1 }]))).toBe(false);
  });

  test('non-sql events are ignored', () => {
    expect(fires({ sql: { contains: 'x' } }, ctx([{ type: 'code.eval', source: 'x', line: 1 }]))).toBe(false);
  });
});

describe('exec', () => {
  const shell = (command: string) => ({ type: 'proc.exec', argv: ['/bin/sh', '-c', command], shell: true, command, line: 4 });
  const direct = (...argv: string[]) => ({ type: 'proc.exec', argv, shell: false, command: argv.join(' '), line: 4 });

  test('any: fires on any process, shell or not', () => {
    expect(fires({ exec: 'any' }, ctx([direct('file', '--mime', 'x')]))).toBe(true);
    expect(fires({ exec: 'any' }, ctx([shell('ls')]))).toBe(true);
    expect(fires({ exec: 'any' }, ctx([]))).toBe(false);
  });

  test('matches: a regex over the command line', () => {
    expect(fires({ exec: { matches: '^rm ' } }, ctx([direct('rm', '-rf', '/')]))).toBe(true);
    expect(fires({ exec: { matches: '^rm ' } }, ctx([direct('ls', 'rm')]))).toBe(false);
  });

  test('matches: argv is joined with spaces when no command is recorded', () => {
    const e = { type: 'proc.exec', argv: ['curl', 'http://x'], shell: false, line: 1 };
    expect(fires({ exec: { matches: 'curl http' } }, ctx([e]))).toBe(true);
  });

  test('shell: true alone fires only on shell executions', () => {
    expect(fires({ exec: { shell: true } }, ctx([shell('ls')]))).toBe(true);
    expect(fires({ exec: { shell: true } }, ctx([direct('ls')]))).toBe(false);
  });

  describe('tainted + shell', () => {
    const value = 'x; touch pwned';
    const d: Detector = { exec: { tainted: 'name', shell: true } };
    const input = { name: value };

    test('a value spliced unquoted fires', () => {
      expect(fires(d, ctx([shell(`wc -l ${value}`)], input))).toBe(true);
    });

    test('a single-quoted value does not fire', () => {
      expect(fires(d, ctx([shell(`wc -l 'x; touch pwned'`)], input))).toBe(false);
    });

    test('a backslash-escaped value does not fire', () => {
      expect(fires(d, ctx([shell('wc -l x\\;\\ touch\\ pwned')], input))).toBe(false);
    });

    test('a double-quoted value without $ or backquote does not fire', () => {
      expect(fires(d, ctx([shell('wc -l "x; touch pwned"')], input))).toBe(false);
    });

    test('a double-quoted $(...) fires: $ stays live in double quotes', () => {
      const v = '$(touch pwned).txt';
      expect(fires({ exec: { tainted: 'name' } }, ctx([shell(`file "${v}"`)], { name: v }))).toBe(true);
    });

    test('a double-quoted value with an escaped \\$ does not fire', () => {
      const v = '$(touch pwned).txt';
      expect(fires({ exec: { tainted: 'name' } }, ctx([shell('file "\\$(touch pwned).txt"')], { name: v }))).toBe(false);
    });

    test('a single-quoted $(...) does not fire', () => {
      const v = '$(touch pwned).txt';
      expect(fires({ exec: { tainted: 'name' } }, ctx([shell(`file '${v}'`)], { name: v }))).toBe(false);
    });

    test('a value that breaks out of its quotes fires', () => {
      // shlex-less quoting: f"wc -l '{name}'" with name = "a'; touch pwned; echo '".
      const v = "a'; touch pwned; echo '";
      expect(fires({ exec: { tainted: 'name' } }, ctx([shell(`wc -l '${v}'`)], { name: v }))).toBe(true);
    });

    test('a value quoted once but also spliced unquoted elsewhere in the same command fires', () => {
      // f"echo {shlex.quote(name)} && wc -l {name}": the second occurrence is an injection.
      expect(fires(d, ctx([shell(`echo 'x; touch pwned' && wc -l x; touch pwned`)], input))).toBe(true);
    });

    test('a non-shell exec never fires for tainted (argv is not parsed by a shell)', () => {
      expect(fires({ exec: { tainted: 'name' } }, ctx([direct('wc', '-l', value)], input))).toBe(false);
    });

    test('an input the command does not contain does not fire', () => {
      expect(fires(d, ctx([shell('wc -l report.txt')], input))).toBe(false);
    });
  });
});

describe('net, eval', () => {
  test('net: any fires on connect and listen, not on other events', () => {
    expect(fires({ net: 'any' }, ctx([{ type: 'net.connect', address: '10.0.0.1', port: 80, line: 1 }]))).toBe(true);
    const hits = runDetector({ net: 'any' }, ctx([{ type: 'net.listen', address: '0.0.0.0', port: 8080, line: 2 }]));
    expect(hits[0].message).toContain('0.0.0.0:8080');
    expect(fires({ net: 'any' }, ctx([open('/etc/hosts')]))).toBe(false);
  });

  test('eval: any fires on code.eval only', () => {
    expect(fires({ eval: 'any' }, ctx([{ type: 'code.eval', source: '__import__("os")', line: 1 }]))).toBe(true);
    expect(fires({ eval: 'any' }, ctx([{ type: 'proc.exec', argv: ['python3'], line: 1 }]))).toBe(false);
  });
});

describe('deserialize', () => {
  const pickle = { type: 'deserialize', format: 'pickle', function: 'loads', unsafe: true, line: 3 };
  const safeYaml = { type: 'deserialize', format: 'yaml', function: 'load', unsafe: false, line: 3 };
  test('any fires on an unsafe deserialization', () => {
    expect(fires({ deserialize: 'any' }, ctx([pickle]))).toBe(true);
  });
  test('an event with unsafe: false does not fire (yaml.load with SafeLoader)', () => {
    expect(fires({ deserialize: 'any' }, ctx([safeYaml]))).toBe(false);
  });
  test('an event without the unsafe field counts as unsafe', () => {
    expect(fires({ deserialize: 'any' }, ctx([{ type: 'deserialize', format: 'marshal', line: 1 }]))).toBe(true);
  });
  test('format filter', () => {
    expect(fires({ deserialize: { format: 'pickle' } }, ctx([pickle]))).toBe(true);
    expect(fires({ deserialize: { format: 'yaml' } }, ctx([pickle]))).toBe(false);
  });
});

describe('output', () => {
  const c = (stdout: string, stderr: string) => ctx([], {}, { stdout, stderr });
  test('contains: both streams by default', () => {
    expect(fires({ output: { contains: 'SECRET' } }, c('', 'leaked SECRET'))).toBe(true);
    expect(fires({ output: { contains: 'SECRET' } }, c('SECRET', ''))).toBe(true);
    expect(fires({ output: { contains: 'SECRET' } }, c('secret', 'nothing'))).toBe(false);
  });
  test('stream: stdout ignores stderr and vice versa', () => {
    expect(fires({ output: { contains: 'SECRET', stream: 'stdout' } }, c('', 'SECRET'))).toBe(false);
    expect(fires({ output: { contains: 'SECRET', stream: 'stdout' } }, c('SECRET', ''))).toBe(true);
    expect(fires({ output: { contains: 'SECRET', stream: 'stderr' } }, c('SECRET', ''))).toBe(false);
    expect(fires({ output: { contains: 'SECRET', stream: 'stderr' } }, c('', 'SECRET'))).toBe(true);
  });
  test('matches: a regex; the evidence is an excerpt around the match', () => {
    const hits = runDetector({ output: { matches: 'password=\\w+' } }, c('user=a password=hunter2\n', ''));
    expect(hits).toHaveLength(1);
    expect(hits[0].message).toContain('stdout');
    expect(String(hits[0].evidence)).toContain('password=hunter2');
    expect(fires({ output: { matches: 'password=\\w+' } }, c('password= ', ''))).toBe(false);
  });
  test('the result is not output', () => {
    expect(fires({ output: { contains: 'SECRET' } }, ctx([], {}, { resultText: '"SECRET"' }))).toBe(false);
  });
});

describe('result', () => {
  const r = (resultText: string | null) => ctx([], {}, { resultText });
  test('matches the whole result (a string is matched as its text)', () => {
    expect(fires({ result: { matches: '^root:' } }, r('"root:x:0:0"'))).toBe(true);
    expect(fires({ result: { matches: '^root:' } }, r('"user:x"'))).toBe(false);
  });
  test('at a dotted path', () => {
    const text = '{"user":{"roles":["guest","admin"]}}';
    expect(fires({ result: { at: 'user.roles.1', matches: '^admin$' } }, r(text))).toBe(true);
    expect(fires({ result: { at: 'user.roles.0', matches: '^admin$' } }, r(text))).toBe(false);
  });
  test('a non-string value is matched as canonical JSON', () => {
    // canonical text of {"b":1,"a":2.0} is {"a":2.0,"b":1}.
    expect(fires({ result: { matches: '^\\{"a":2\\.0,"b":1\\}$' } }, r('{"b":1,"a":2.0}'))).toBe(true);
  });
  test('an absent path or no result does not fire', () => {
    expect(fires({ result: { at: 'missing', matches: '.*' } }, r('{"a":1}'))).toBe(false);
    expect(fires({ result: { matches: '.*' } }, r(null))).toBe(false);
  });
  test('stdout is not the result', () => {
    expect(fires({ result: { matches: 'SECRET' } }, ctx([], {}, { resultText: 'null', stdout: 'SECRET' }))).toBe(false);
  });
});

describe('cpu', () => {
  const cpu = (cpuMs: number, baseline?: number) => ctx([], {}, { cpuMs }, baseline);
  test('over_ms: strictly more than the limit fires', () => {
    expect(fires({ cpu: { over_ms: 100 } }, cpu(100.5))).toBe(true);
    expect(fires({ cpu: { over_ms: 100 } }, cpu(100))).toBe(false);
    expect(fires({ cpu: { over_ms: 100 } }, cpu(20))).toBe(false);
  });

  test('slower_than_secure: over factor × baseline fires', () => {
    // baseline 100 ms, factor 3 → limit 300 ms.
    expect(fires({ cpu: { slower_than_secure: 3 } }, cpu(301, 100))).toBe(true);
    expect(fires({ cpu: { slower_than_secure: 3 } }, cpu(299, 100))).toBe(false);
  });

  test('slower_than_secure: the baseline has a 5 ms floor', () => {
    // baseline 1 ms counts as 5 ms: factor 3 → limit 15 ms, so 10 ms does not fire (it would against 3 ms).
    expect(fires({ cpu: { slower_than_secure: 3 } }, cpu(10, 1))).toBe(false);
    expect(fires({ cpu: { slower_than_secure: 3 } }, cpu(16, 1))).toBe(true);
    expect(fires({ cpu: { slower_than_secure: 3 } }, cpu(15, 0))).toBe(false);
  });

  test('slower_than_secure without a baseline does not fire', () => {
    expect(fires({ cpu: { slower_than_secure: 2 } }, cpu(10_000))).toBe(false);
  });

  test('needsBaseline only for slower_than_secure', () => {
    expect(needsBaseline({ cpu: { slower_than_secure: 2 } })).toBe(true);
    expect(needsBaseline({ cpu: { over_ms: 2 } })).toBe(false);
    expect(needsBaseline({ net: 'any' })).toBe(false);
  });
});

describe('crypto', () => {
  const d: Detector = { crypto: { algorithm: ['MD5', 'sha1'] } };
  const ev = (algorithm: string) => ({ type: 'crypto', algorithm, line: 2 });
  test('fires on a listed algorithm, case-insensitively', () => {
    expect(fires(d, ctx([ev('md5')]))).toBe(true);
    expect(fires(d, ctx([ev('SHA1')]))).toBe(true);
  });
  test('does not fire on others (whole names, not substrings)', () => {
    expect(fires(d, ctx([ev('sha256')]))).toBe(false);
    expect(fires(d, ctx([ev('sha1-hmac-x')]))).toBe(false);
  });
});

describe('source: audit | any (the syscall-level record)', () => {
  /** An audit event as plugin/languages/audit.ts makes it. */
  const sys = (type: string, fields: Record<string, unknown>, syscall = 'openat'): Record<string, unknown> => ({ seq: 1, type, syscall, thread: 0, result: 'ok', ...fields });
  const audited = (events: Record<string, unknown>[], status: 'complete' | 'tampered' | 'truncated' = 'complete', trace: Record<string, unknown>[] = []) =>
    ctx(trace, {}, { audit: { status, events: events as never, dropped: 0, ...(status === 'complete' ? {} : { note: 'markers out of order' }) } });
  const outside = (source: 'trace' | 'audit' | 'any'): Detector => ({ file: { outside: 'docs', source } });

  test('each source reads its own record; any reads both', () => {
    const covert = audited([sys('file.open', { path: '/sbx/work/secret.txt', access: 'read' })]);
    expect(fires(outside('trace'), covert)).toBe(false);
    expect(runDetector(outside('audit'), covert)[0].message).toBe('file.open of /sbx/work/secret.txt (outside /sbx/work/docs) (openat in the audit record)');
    expect(fires(outside('any'), covert)).toBe(true);
    const hooked = audited([], 'complete', [open('/sbx/work/secret.txt')]);
    expect(fires(outside('audit'), hooked)).toBe(false);
    expect(fires(outside('any'), hooked)).toBe(true);
    expect([outside('trace'), outside('audit'), { net: 'any' } as Detector, { net: { source: 'any' } } as Detector].map(needsAudit)).toEqual([false, true, false, true]);
  });

  test('where a symlink led counts: a link inside docs to a file outside fires', () => {
    expect(fires(outside('audit'), audited([sys('file.open', { path: '/sbx/work/docs/link', resolved: '/sbx/work/secret.txt', access: 'read' })]))).toBe(true);
  });

  test('probes and system reads are left out; system writes and /proc/self/root are not', () => {
    const quiet = [
      sys('file.stat', { path: '/sbx/work/secret.txt', access: 'stat' }, 'newfstatat'),
      sys('file.open', { path: '/usr/lib/python3.11/json/__init__.py', access: 'read' }),
      sys('file.open', { path: '/etc/ld.so.cache', access: 'read', result: 'ENOENT' }),
      sys('file.open', { path: '/proc/self/maps', resolved: '/proc/7/maps', access: 'read' }),
      sys('file.open', { path: '/dev/urandom', access: 'read' }),
      sys('file.open', { path: '/sbx/cand/helper.py', access: 'read' }),
    ];
    expect(runDetector(outside('audit'), audited(quiet))).toEqual([]);
    for (const loud of [
      sys('file.open', { path: '/usr/lib/evil', access: 'write', result: 'EROFS' }),
      sys('file.open', { path: '/proc/self/root/sbx/work/secret.txt', access: 'read' }),
      sys('file.open', { path: '/proc/1/environ', access: 'read' }),
      sys('file.open', { path: '/usr/share/link', resolved: '/sbx/work/secret.txt', access: 'read' }),
      sys('file.open', { path: '/etc/passwd', access: 'read', result: 'ENOENT' }),
    ]) {
      expect(fires(outside('audit'), audited([loud])), String(loud.path)).toBe(true);
    }
  });

  test('a tampered or truncated record is a hit of its own', () => {
    expect(runDetector(outside('audit'), audited([], 'tampered'))[0].message).toBe('the audit record is tampered: markers out of order');
    expect(fires(outside('any'), audited([], 'truncated'))).toBe(true);
    expect(fires(outside('trace'), audited([], 'tampered'))).toBe(false);
  });

  test('exec and net read the record too; {source} alone is any process; unix sockets are not network', () => {
    const shell = sys('proc.exec', { path: '/bin/sh', argv: ['sh', '-c', 'cat x'], shell: true, command: 'cat x' }, 'execve');
    expect(runDetector({ exec: { source: 'audit' } }, audited([shell]))[0].message).toBe('process started (execve in the audit record): cat x');
    expect(fires({ exec: { shell: true, source: 'audit' } }, audited([{ ...shell, shell: false }]))).toBe(false);
    expect(fires({ exec: 'any' }, audited([shell]))).toBe(false);
    const net = (family: string) => audited([sys('net.connect', { family, address: family === 'AF_UNIX' ? '/run/nscd/socket' : '10.0.0.1', port: 80 }, 'connect')]);
    expect(fires({ net: { source: 'audit' } }, net('AF_INET'))).toBe(true);
    expect(fires({ net: { source: 'audit' } }, net('AF_UNIX'))).toBe(false);
    expect(fires({ net: 'any' }, net('AF_INET'))).toBe(false);
  });
});

describe('shellWords', () => {
  const words = (s: string) => shellWords(s)?.map((w) => w.text);
  /** Text and expansion flag of each word (other fields, if any, are not part of this check). */
  const parsed = (s: string) => shellWords(s)?.map((w) => ({ text: w.text, expands: w.expands })) ?? null;

  test('splits on blanks and drops nothing but blanks', () => {
    expect(words('wc  -l\tfile.txt')).toEqual(['wc', '-l', 'file.txt']);
    expect(words('')).toEqual([]);
  });

  test('operators end words and are words of their own', () => {
    expect(words('a;b|c&&d>e')).toEqual(['a', ';', 'b', '|', 'c', '&', '&', 'd', '>', 'e']);
    expect(words('wc -l x; touch pwned')).toEqual(['wc', '-l', 'x', ';', 'touch', 'pwned']);
  });

  test('single quotes keep everything literal and inert', () => {
    expect(parsed("echo 'a b; $HOME `x`'")).toEqual([
      { text: 'echo', expands: false },
      { text: 'a b; $HOME `x`', expands: false },
    ]);
  });

  test('double quotes keep blanks and operators, but $ and ` stay live', () => {
    expect(parsed('echo "a; b"')?.[1]).toEqual({ text: 'a; b', expands: false });
    expect(parsed('echo "$(id)"')?.[1]).toEqual({ text: '$(id)', expands: true });
    expect(parsed('echo "`id`"')?.[1]).toEqual({ text: '`id`', expands: true });
  });

  test('backslash escapes in double quotes: \\$ is inert, \\" is a quote, \\n stays two characters', () => {
    expect(parsed('echo "\\$(id)"')?.[1]).toEqual({ text: '$(id)', expands: false });
    expect(parsed('echo "a\\"b"')?.[1]).toEqual({ text: 'a"b', expands: false });
    expect(parsed('echo "a\\nb"')?.[1]).toEqual({ text: 'a\\nb', expands: false });
  });

  test('backslash outside quotes escapes one character; backslash-newline joins lines', () => {
    expect(parsed('wc -l x\\;\\ touch\\ pwned')?.[2]).toEqual({ text: 'x; touch pwned', expands: false });
    expect(parsed('\\$HOME')).toEqual([{ text: '$HOME', expands: false }]);
    expect(words('ab\\\ncd')).toEqual(['abcd']);
  });

  test('adjacent quoted and unquoted parts make one word; a live $ anywhere makes it expand', () => {
    expect(parsed(`'a b'"c"d`)).toEqual([{ text: 'a bcd', expands: false }]);
    expect(parsed(`'$x'$y`)).toEqual([{ text: '$x$y', expands: true }]);
  });

  test('empty quotes are an empty word', () => {
    expect(words(`echo '' ""`)).toEqual(['echo', '', '']);
  });

  test('unbalanced quotes → null', () => {
    expect(shellWords("echo 'abc")).toBeNull();
    expect(shellWords('echo "abc')).toBeNull();
  });

  test('isInertWord: true only when the value sits in a non-expanding word', () => {
    expect(isInertWord("wc -l 'x; y'", 'x; y')).toBe(true);
    expect(isInertWord('wc -l x; y', 'x; y')).toBe(false);
    expect(isInertWord('echo "$(id)"', '$(id)')).toBe(false);
    expect(isInertWord("echo 'abc", 'abc')).toBe(false);
  });
});
