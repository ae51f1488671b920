/**
 * Audit mode's host side: plugin/sandbox/strace-log.ts (strace `-f -y -xx` lines → syscalls) and
 * plugin/languages/audit.ts (markers → per-case windows → events), on logs written the way strace 6.1 writes
 * them (the e2e test test/e2e/audit.test.ts runs the real strace).
 */
import { describe, expect, test } from 'vitest';
import { attributeAudit } from '../../plugin/languages/audit.js';
import { fdPath, hexString, outcomeOf, parseStraceLog } from '../../plugin/sandbox/strace-log.js';

const hex = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
/** A string argument as `-xx` prints it. */
const q = (s: string) => `"${hex(s)}"`;
/** An fd annotated by `-y`. */
const fd = (n: string, path: string) => `${n}<${hex(path)}>`;
const CWD = fd('AT_FDCWD', '/sbx/work');
const PREFIX = '/.dg-audit/0123abcd';
const MAIN = 100;
const mark = (what: string, tid = MAIN) => `${tid} access(${q(PREFIX + what)}, F_OK) = -1 ENOENT (No such file or directory)`;
const openat = (tid: number, path: string, flags = 'O_RDONLY|O_CLOEXEC', ret = `3<${hex(path.startsWith('/') ? path : '/sbx/work/' + path)}>`) => `${tid} openat(${CWD}, ${q(path)}, ${flags}) = ${ret}`;
const log = (...lines: string[]) => Buffer.from(lines.join('\n') + '\n', 'latin1');

describe('strace log lines', () => {
  test('strings, fd annotations and outcomes decode', () => {
    expect(hexString(q('a, "b" (c)'))).toBe('a, "b" (c)');
    expect(hexString(`${q('/long')}...`)).toBe('/long');
    expect(hexString('AT_FDCWD')).toBeNull();
    expect(fdPath(fd('3', '/sbx/work/x'))).toBe('/sbx/work/x');
    expect(outcomeOf('-1 EACCES (Permission denied)')).toBe('EACCES');
    expect(outcomeOf('3<\\x2f>')).toBe('ok');
    expect(outcomeOf('?')).toBe('unfinished');
  });

  test('arguments split at top-level commas only (structures and arrays stay whole)', () => {
    const [c] = parseStraceLog(`7 connect(4<${hex('socket:[1]')}>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(${q('10.0.0.1')})}, 16) = -1 ENETUNREACH (Network is unreachable)`);
    expect(c).toMatchObject({ tid: 7, name: 'connect', ret: '-1 ENETUNREACH (Network is unreachable)' });
    expect(c.args).toHaveLength(3);
    expect(c.args[1]).toContain('sin_port=htons(80)');
  });

  test('an interrupted call is joined with its resumed half, at the position where it started', () => {
    const calls = parseStraceLog(
      [
        `5 openat(${CWD}, ${q('a')}, O_RDONLY <unfinished ...>`,
        `6 unlink(${q('/sbx/work/b')}) = 0`,
        `5 <... openat resumed>) = 3<${hex('/sbx/work/a')}>`,
        `8 wait4(-1,  <unfinished ...>`,
      ].join('\n'),
    );
    expect(calls.map((c) => c.name)).toEqual(['openat', 'unlink', 'wait4']);
    expect(calls[0].ret).toBe(`3<${hex('/sbx/work/a')}>`);
    // Cut off by the process's death: kept, with an unknown return.
    expect(calls[2].ret).toBe('?');
  });
});

describe('cases from markers', () => {
  const ids = ['one', 'two'];

  test('each window gets its own events; setup and the harness main thread between windows are left out', () => {
    const a = attributeAudit(
      log(
        openat(MAIN, '/usr/lib/python3.11/os.py'), // interpreter start-up: before the load marker
        mark('/load'),
        openat(MAIN, '/sbx/cand/helper.py'),
        mark('/loaded'),
        openat(MAIN, '/sbx/out/0.stdout', 'O_WRONLY|O_CREAT|O_TRUNC'), // the harness preparing case 0
        mark('/s/0'),
        openat(MAIN, 'notes/../secret.txt', 'O_RDONLY', `3<${hex('/sbx/work/secret.txt')}>`),
        `${MAIN} clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD) = 2 /* 200 in strace's PID NS */`,
        mark('/e/0'),
        `200 unlink(${q('/sbx/work/late')}) = 0`, // the case's child, still running after the call
        `${MAIN} vfork( <unfinished ...>`, // the harness's own child between windows
        `${MAIN} <... vfork resumed>) = 3 /* 300 in strace's PID NS */`,
        `300 execve(${q('/usr/bin/gcov')}, [${q('gcov')}, ${q('x.gcda')}], 0x7ffc /* 3 vars */) = 0`,
        mark('/s/1'),
        `${MAIN} execve(${q('/bin/sh')}, [${q('sh')}, ${q('-c')}, ${q('cat x; id')}], 0x7ffc /* 3 vars */) = -1 EACCES (Permission denied)`,
        mark('/e/1'),
      ),
      false,
      PREFIX,
      ids,
      2,
    );
    expect(a.load.map((e) => e.path)).toEqual(['/sbx/cand/helper.py']);
    const one = a.cases.get('one')!;
    expect(one.status).toBe('complete');
    expect(one.events).toEqual([
      { seq: 1, type: 'file.open', syscall: 'openat', thread: 0, result: 'ok', path: '/sbx/work/secret.txt', access: 'read', flags: 'O_RDONLY' },
      { seq: 2, type: 'file.delete', syscall: 'unlink', thread: 1, result: 'ok', path: '/sbx/work/late', access: 'write' },
    ]);
    const two = a.cases.get('two')!;
    expect(two.events).toEqual([{ seq: 1, type: 'proc.exec', syscall: 'execve', thread: 0, result: 'EACCES', path: '/bin/sh', argv: ['sh', '-c', 'cat x; id'], shell: true, command: 'cat x; id' }]);
  });

  test('a symlinked open keeps the named path and where it led', () => {
    const a = attributeAudit(log(mark('/load'), mark('/loaded'), mark('/s/0'), openat(MAIN, 'docs/link.txt', 'O_RDONLY', `3<${hex('/sbx/work/secret.txt')}>`), mark('/e/0')), false, PREFIX, ['one'], 1);
    expect(a.cases.get('one')!.events[0]).toMatchObject({ path: '/sbx/work/docs/link.txt', resolved: '/sbx/work/secret.txt' });
  });

  test('a killed case (no end marker) keeps its events to the end of the log', () => {
    const a = attributeAudit(log(mark('/load'), mark('/loaded'), mark('/s/0'), openat(MAIN, 'x', 'O_WRONLY|O_CREAT')), false, PREFIX, ids, 1);
    expect(a.cases.get('one')).toMatchObject({ status: 'complete', events: [{ type: 'file.open', access: 'write' }] });
    expect(a.cases.has('two')).toBe(false);
  });

  test('markers out of order, from another thread, or missing make every case of the process tampered', () => {
    const forged = attributeAudit(log(mark('/load'), mark('/loaded'), mark('/s/0'), mark('/e/0'), mark('/e/0'), mark('/s/1'), mark('/e/1')), false, PREFIX, ids, 2);
    expect(forged.cases.get('one')).toMatchObject({ status: 'tampered', note: expect.stringContaining('e/0 out of order') });
    expect(forged.cases.get('two')!.status).toBe('tampered');
    const thread = attributeAudit(log(mark('/load'), mark('/loaded'), mark('/s/0'), mark('/e/0', 555), mark('/e/0')), false, PREFIX, ['one'], 1);
    expect(thread.cases.get('one')!.note).toContain('another thread');
    const missing = attributeAudit(log(mark('/load'), mark('/loaded'), mark('/s/0'), mark('/e/0')), false, PREFIX, ids, 2);
    expect(missing.cases.get('two')).toMatchObject({ status: 'tampered', note: expect.stringContaining('no window for case two') });
    // Another process's prefix is not a marker: it is a probe like any other.
    const other = attributeAudit(log(mark('/load'), mark('/loaded'), mark('/s/0'), `${MAIN} access(${q('/.dg-audit/ffff/e/0')}, F_OK) = -1 ENOENT (x)`, mark('/e/0')), false, '/.dg-audit/0123abcd', ['one'], 1);
    expect(other.cases.get('one')).toMatchObject({ status: 'complete', events: [{ type: 'file.stat' }] });
  });

  test('a truncated log marks the case it ends in (and later ones) truncated, not earlier ones', () => {
    const a = attributeAudit(log(mark('/load'), mark('/loaded'), mark('/s/0'), mark('/e/0'), mark('/s/1'), openat(MAIN, 'x')), true, PREFIX, ids, 2);
    expect(a.cases.get('one')!.status).toBe('complete');
    expect(a.cases.get('two')!.status).toBe('truncated');
  });

  test('a path without a dir fd resolves against the working dir: the sandbox one, then chdir, inherited by children', () => {
    const a = attributeAudit(
      log(
        mark('/load'),
        mark('/loaded'),
        mark('/s/0'),
        `${MAIN} mkdir(${q('vault')}, 0700) = 0`,
        `${MAIN} chdir(${q('vault')}) = 0`,
        `${MAIN} clone(child_stack=NULL, flags=SIGCHLD) = 201`,
        `${MAIN} unlink(${q('../gone')}) = 0`,
        `201 chmod(${q('k')}, 0600) = 0`,
        mark('/e/0'),
      ),
      false,
      PREFIX,
      ['one'],
      1,
    );
    expect(a.cases.get('one')!.events.map((e) => e.path)).toEqual(['/sbx/work/vault', '/sbx/work/gone', '/sbx/work/vault/k']);
  });

  test('syscalls become events: renames, deletes, chmod, links, network', () => {
    const a = attributeAudit(
      log(
        mark('/load'),
        mark('/loaded'),
        mark('/s/0'),
        `${MAIN} renameat2(${CWD}, ${q('a')}, ${fd('AT_FDCWD', '/sbx/work')}, ${q('../b')}, RENAME_NOREPLACE) = 0`,
        `${MAIN} unlinkat(${fd('5', '/sbx/work/d')}, ${q('f')}, 0) = 0`,
        `${MAIN} fchmodat(${CWD}, ${q('k')}, 0777) = 0`,
        `${MAIN} symlinkat(${q('/etc/passwd')}, ${CWD}, ${q('ln')}) = 0`,
        `${MAIN} connect(3<${hex('socket:[9]')}>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, ${q('::1')}, &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH (x)`,
        `${MAIN} connect(3<${hex('socket:[9]')}>, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0`,
        `${MAIN} newfstatat(3<${hex('/sbx/work/a')}>, "", {st_mode=S_IFREG|0644, ...}, AT_EMPTY_PATH) = 0`,
        mark('/e/0'),
      ),
      false,
      PREFIX,
      ['one'],
      1,
    );
    expect(a.cases.get('one')!.events.map(({ seq, syscall, thread, result, ...rest }) => rest)).toEqual([
      { type: 'file.rename', path: '/sbx/work/a', to: '/sbx/b', access: 'write' },
      { type: 'file.delete', path: '/sbx/work/d/f', access: 'write' },
      { type: 'file.chmod', path: '/sbx/work/k', mode: '0777', access: 'write' },
      { type: 'file.link', path: '/sbx/work/ln', target: '/etc/passwd', access: 'write' },
      { type: 'net.connect', family: 'AF_INET6', address: '::1', port: 443 },
    ]);
  });
});
