/**
 * Sandbox launchers started ahead of their exec (plugin/sandbox/launcher.ts, enter.sh): the plan's quoting, the
 * standby hand-over, and that a waiting standby neither outlives nor holds up its worker. Real processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_LIMITS } from '../../plugin/config/types.js';
import { detectCgroups } from '../../plugin/sandbox/cgroup.js';
import { BwrapSandbox, INODE_CAPS, slotUid } from '../../plugin/sandbox/bwrap.js';
import { dismissStandbys, Launcher, prepareLauncher, shellQuote, takeLauncher } from '../../plugin/sandbox/launcher.js';
import { packageFile } from '../../plugin/paths.js';

const ENTER = packageFile('plugin/sandbox/enter.sh');
const REPO = join(import.meta.dirname, '../..');

/** enter.sh as an unprivileged-style launcher: no cgroups, no uid drop. */
const startPlain = () => new Launcher(spawn('/bin/sh', [ENTER], { env: { DG_CGROUP_PROCS: '' }, stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] }), null);

async function output(l: Launcher): Promise<{ out: string; code: number | null }> {
  const chunks: Buffer[] = [];
  l.child.stdout!.on('data', (d: Buffer) => chunks.push(d));
  const { code } = await l.closed;
  return { out: Buffer.concat(chunks).toString(), code };
}

async function until(ok: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (ok()) return true;
  return ok();
}

/** Children of this process that run enter.sh, or its wait for the plan once it has dropped to the slot's uid. */
function waitingLaunchers(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/PPid:\s+(\d+)/.exec(status)?.[1]) === process.pid && /enter\.sh|read -r plan/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

describe('the plan', () => {
  test('every word reaches the command unchanged through enter.sh eval', async () => {
    const words = ['/usr/bin/printf', '%s|', `it's`, 'a b', '$HOME', '`id`', '\\n', '"q"', '*', '', '--', 'two\nlines', '\n', "'\n'", '$nl'];
    const l = startPlain();
    l.start(`set -- ${words.map(shellQuote).join(' ')}`, '');
    const { out, code } = await output(l);
    expect(code).toBe(0);
    expect(out).toBe(words.slice(2).map((w) => `${w}|`).join(''));
  });

  test('the plan stays one line; a NUL in a word is a bug, reported, never a broken plan', () => {
    expect(shellQuote('a\nb')).not.toContain('\n');
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  test('the command gets the rest of stdin and an empty environment', async () => {
    const cat = startPlain();
    cat.start('set -- /bin/cat', 'first line\nsecond line\n');
    expect((await output(cat)).out).toBe('first line\nsecond line\n');
    const env = startPlain();
    env.start('set -- /usr/bin/env', '');
    expect(await output(env)).toEqual({ out: '', code: 0 });
  });
});

describe('standbys', () => {
  afterEach(() => dismissStandbys());

  test('an exec takes the oldest waiting standby, two wait per kind, dead ones are replaced', async () => {
    const started: Launcher[] = [];
    const start = () => {
      started.push(startPlain());
      return started.at(-1)!;
    };
    prepareLauncher('k1', start);
    expect(started).toHaveLength(2);
    prepareLauncher('k1', start); // two wait per key
    expect(started).toHaveLength(2);
    const taken = takeLauncher('k1', start);
    expect(taken).toBe(started[0]);
    taken.start('set -- /bin/true', '');
    expect((await taken.closed).code).toBe(0);
    prepareLauncher('k1', start);
    expect(started).toHaveLength(3);

    for (const l of started.slice(1)) l.child.kill('SIGKILL');
    await Promise.all(started.slice(1).map((l) => l.closed));
    const fresh = takeLauncher('k1', start);
    expect(started).toHaveLength(4);
    expect(fresh).toBe(started[3]);
    fresh.dispose();
  });

  test('a worker keeps at most 8 standbys in all: the least recently prepared ones go', async () => {
    const started: Launcher[] = [];
    const start = () => {
      started.push(startPlain());
      return started.at(-1)!;
    };
    for (let i = 0; i < 5; i++) prepareLauncher(`cap-${i}`, start);
    expect(started).toHaveLength(10);
    expect((await started[0].closed).signal).toBe('SIGKILL');
    expect((await started[1].closed).signal).toBe('SIGKILL');
    expect(started.slice(2).every((l) => l.usable)).toBe(true);
    // Preparing a kind again makes it the most recent: the next to go is cap-1's.
    prepareLauncher('cap-1', start);
    expect(started).toHaveLength(10);
    prepareLauncher('cap-5', start);
    expect((await started[4].closed).signal).toBe('SIGKILL');
    expect((await started[5].closed).signal).toBe('SIGKILL');
    expect(started[2].usable && started[3].usable).toBe(true);
  });

  test('a waiting standby does not keep its process alive, and ends with it', async () => {
    const marker = `dg-standby-${process.pid}-${Date.now()}`;
    const script = `
      import { spawn } from 'node:child_process';
      const { Launcher, prepareLauncher } = await import(${JSON.stringify(join(REPO, 'dist/plugin/sandbox/launcher.js'))});
      prepareLauncher('k', () => new Launcher(spawn('/bin/sh', [${JSON.stringify(ENTER)}, '${marker}'], { env: {}, stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] }), null));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(0);
    // The standby reads end-of-stdin once its worker has exited, and ends.
    expect(await until(() => spawnSync('/usr/bin/pgrep', ['-f', marker]).status === 1)).toBe(true);
  });

  test.runIf(process.getuid?.() === 0 && detectCgroups())('bubblewrap: the next execs\' launchers wait in their cgroups while an exec runs, and are used', async () => {
    const sandbox = new BwrapSandbox();
    const session = sandbox.openSession();
    const exec = () => session.exec({ argv: ['/usr/bin/true'], cwd: '/sbx', env: {}, limits: DEFAULT_LIMITS }).result;
    expect((await exec()).exitCode).toBe(0);
    // Two wait, in their cgroups (and, as root, with the capped scratch dirs mounted, as the slot's uid).
    const waiting = waitingLaunchers();
    expect(waiting).toHaveLength(2);
    for (const pid of waiting) {
      expect(await until(() => /dualgauge-/.test(readFileSync(`/proc/${pid}/cgroup`, 'utf8')))).toBe(true);
      if (!INODE_CAPS) continue;
      const slot = slotUid()!.uid;
      expect(await until(() => new RegExp(`^Uid:\\s+${slot}\\s`, 'm').test(readFileSync(`/proc/${pid}/status`, 'utf8')))).toBe(true);
      expect(readFileSync(`/proc/${pid}/mountinfo`, 'utf8').match(/ tmpfs dualgauge-scratch .*nr_inodes=/g)?.length).toBe(2);
    }
    expect((await exec()).exitCode).toBe(0);
    // The next exec took one of them, and another started.
    const next = waitingLaunchers();
    expect(next).toHaveLength(2);
    expect(next.filter((pid) => waiting.includes(pid))).toHaveLength(1);
    await session.close();
  });
});
