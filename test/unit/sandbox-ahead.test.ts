/**
 * Sandboxes started ahead of their exec (bwrap.ts, view.ts): a candidate must find exactly what a sandbox
 * started with its exec shows it (files, mounts and their options, working dir, environment, rlimits, uid,
 * stdin), and the exec must really have run in the sandbox made ahead. Real bubblewrap, both ways, same request.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_LIMITS } from '../../plugin/config/types.js';
import { BwrapSandbox } from '../../plugin/sandbox/bwrap.js';
import { dismissStandbys } from '../../plugin/sandbox/launcher.js';
import { ownScratchDir } from '../../plugin/sandbox/scratch.js';
import type { ExecRequest, Session } from '../../plugin/sandbox/types.js';

/** What the candidate can observe; the link count of files (`ls` field 2) differs, linked files have two. */
const PROBE = [
  'echo "cwd=$(pwd) umask=$(umask)"', 'printf "multi=%s|\\n" "$MULTI"', 'id', 'hostname',
  // The environment the kernel gave the command (dash's own `env` would drop a name it cannot hold).
  'tr "\\0" "\\n" < /proc/$$/environ | sort',
  'ls -lanR --time-style=+ /sbx | awk \'{ $2 = ""; print }\'',
  'cat /sbx/cand/main.txt /sbx/build/out.bin /sbx/runtime/lib.txt', 'readlink /sbx/cand/link',
  'grep -E "^Max (cpu time|file size|core|processes|open files|address space)" /proc/self/limits',
  'awk \'{ print $5, $6 }\' /proc/self/mountinfo | sort',
  'touch /sbx/work/w /sbx/out/o && echo writable', 'touch /sbx/cand/x 2>/dev/null || echo "cand read-only"',
  'touch /sbx/build/x 2>/dev/null || echo "build read-only"', 'cat',
].join('; ');

const sandboxAhead = process.env.DUALGAUGE_SANDBOX_AHEAD;
let session: Session;
let buildDir: string;
let runtimeDir: string;

async function probe(ahead: boolean) {
  process.env.DUALGAUGE_SANDBOX_AHEAD = ahead ? '1' : '0';
  const req: ExecRequest = {
    argv: ['/bin/sh', '-c', `${PROBE}; tr '\\0' ' ' < /proc/1/cmdline >&2`],
    cwd: '/sbx/work',
    env: { PATH: '/usr/bin:/bin', HOME: '/sbx/work', MULTI: 'two\nlines', QUOTES: `it's "q" $HOME`, 'odd.name': 'kept' },
    stdin: 'stdin line 1\nstdin line 2\n',
    limits: { ...DEFAULT_LIMITS, processes: 48, openFiles: 99 },
    mounts: [{ host: buildDir, at: '/sbx/build' }, { host: runtimeDir, at: '/sbx/runtime' }],
    tmpfs: [{ at: '/sbx/work', bytes: 1 << 20 }, { at: '/sbx/out', bytes: 1 << 20, inodes: 64 }],
  };
  const res = await session.exec(req).result;
  return { code: res.exitCode, out: res.stdout.toString(), pid1: res.stderr.toString() };
}

describe.runIf(existsSync('/usr/bin/bwrap'))('a sandbox started ahead', () => {
  beforeAll(() => {
    session = new BwrapSandbox().openSession();
    session.writeFile('cand/main.txt', 'candidate file\n');
    session.writeFile('cand/run.sh', '#!/bin/sh\n', 0o755);
    symlinkSync('main.txt', join(session.dir, 'cand/link'));
    for (const d of ['work', 'out', 'build', 'runtime', 'cand/sub']) session.mkdir(d);
    // A build dir of the worker's own scratch (linked into /sbx) and a runtime dir elsewhere (bound).
    buildDir = mkdtempSync(join(ownScratchDir(), 'build-'));
    chmodSync(buildDir, 0o755);
    writeFileSync(join(buildDir, 'out.bin'), 'build output\n');
    mkdirSync(join(buildDir, 'nested'));
    runtimeDir = mkdtempSync(join(tmpdir(), 'dg-runtime-'));
    chmodSync(runtimeDir, 0o755);
    writeFileSync(join(runtimeDir, 'lib.txt'), 'runtime file\n');
  });

  afterAll(async () => {
    if (sandboxAhead === undefined) delete process.env.DUALGAUGE_SANDBOX_AHEAD;
    else process.env.DUALGAUGE_SANDBOX_AHEAD = sandboxAhead;
    dismissStandbys();
    await session?.close();
    rmSync(buildDir, { recursive: true, force: true });
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  test('shows the candidate what a sandbox started with its exec shows, and the exec ran in it', async () => {
    const late = await probe(false);
    // The first exec of a kind starts its sandbox on demand; the second finds it made while the first ran.
    await probe(true);
    const ahead = await probe(true);
    expect(late.code).toBe(0);
    expect(ahead.code).toBe(0);
    // The one other difference: a linked dir is part of the read-only /sbx mount, not a mount of its own.
    expect(late.out).toMatch(/^\/sbx\/build ro,/m);
    expect(ahead.out).toBe(late.out.replace(/^\/sbx\/build ro,.*\n/m, ''));
    for (const expected of ['candidate file', 'build output', 'runtime file', 'writable', 'cand read-only', 'build read-only', 'stdin line 1\nstdin line 2', 'multi=two\nlines|', `QUOTES=it's "q" $HOME`, 'odd.name=kept', 'Max open files 99 99', 'main.txt']) {
      expect(ahead.out.replace(/ +/g, ' ')).toContain(expected);
    }
    expect(ahead.out).toMatch(/^PWD=\/sbx\/work$/m);
    expect(ahead.out).not.toMatch(/^OLDPWD=/m);
    // pid 1 is bwrap either way: started with the command, or with the shell that waited for the plan.
    expect(late.pid1).toMatch(/^\/usr\/bin\/bwrap --args 4 -- \/bin\/sh -c /);
    expect(ahead.pid1).toMatch(/^\/usr\/bin\/bwrap --args 4 -- \/bin\/sh -euc [^]*read -r plan/);
  });
});
