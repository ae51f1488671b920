/**
 * The adversarial suite (issue 5): 24 hostile candidates per language (test/fixtures/hostile, sample index =
 * attack) run through the real pipeline: the dualgauge pool, bwrap, the harnesses, the reporters. Each attack
 * must be contained and reported as its own outcome, the `calm` case after it must still pass, and the host
 * is checked afterwards: the listener received nothing, no marker file exists, no sandboxed process survives,
 * the canary secrets are in no result file, no worker saw them in its env, and nothing is left behind.
 * The fixture's `audit: security` runs each `attack-again` case under audit mode (strace outside the sandbox)
 * and `attack` without it, so every attack is also contained, and recorded whole, with the tracer in place.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { copyFixture, describeRun, filesUnder, readCases, readEvidence, REPO, runVitest, listenEverywhere, type CaseLine, type Listener, type Project, type RunResult } from './helpers.js';

const ALL_LANGUAGES = ['python', 'javascript', 'cpp'];
/** DG_HOSTILE_LANGS=javascript narrows the suite while working on one language's candidates. */
const LANGUAGES = process.env.DG_HOSTILE_LANGS ? process.env.DG_HOSTILE_LANGS.split(',') : ALL_LANGUAGES;
/** Sample index → the attack and the outcome its `attack` and `attack-again` cases must get. */
const ATTACKS: [string, string][] = [
  ['fork bomb', 'processes'],
  ['memory hog', 'memory'],
  ['CPU spin', 'timeout'],
  ['sleep past the timeout', 'timeout'],
  ['daemonizing double-fork child', 'passed'],
  ['huge stdout', 'output'],
  ['huge stderr', 'output'],
  ['disk filler', 'disk'],
  ['inode filler', 'disk'],
  ['env, API keys and /proc/*/environ', 'passed'],
  ['host files (home, specs, references, results)', 'passed'],
  ['writes outside the scratch dir', 'passed'],
  ['connect to a loopback listener and own addresses', 'passed'],
  ['connect to outside addresses (TCP, UDP, IPv6)', 'passed'],
  ['DNS', 'passed'],
  ['killing its parent', 'passed'],
  ['forged harness output (guessed nonce, garbage)', 'crash'],
  ['forged harness output (real nonce), then exit', 'crash'],
  ['overriding the harness serializer', 'failed'],
  ['symlinks out of the scratch dir', 'passed'],
  ['fd exhaustion', 'exception'],
  ['planting files and a process for the next candidate', 'passed'],
  ['looking for the previous candidate\'s files and processes', 'passed'],
  ['off-heap memory (mmap, Buffers)', 'memory'],
];

const hex = randomBytes(10).toString('hex');
const CANARY = `dg-canary-${hex}`;
const MARKER = join(tmpdir(), `dg-hostile-${hex}`);
let project: Project;
let run: RunResult;
let lines: CaseLine[];
let listener: Listener;
const envLeaks: string[] = [];
/** Named processes the attacks start (daemons, planted sleepers), seen live during the run: the attacks ran. */
const seenNamed = new Set<string>();
/** Pool workers and sandboxes whose env the watcher read: the env check is not vacuous. */
const seenKinds = new Set<string>();
const canaryFile = join(tmpdir(), `dg-hostile-canary-${hex}.txt`);

/** While the run goes on: every process below the Vitest we started must have an env without the canary. */
function watchEnv(rootPid: number): () => void {
  const timer = setInterval(() => {
    const children = new Map<number, number[]>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
      } catch {
        /* gone */
      }
    }
    const stack = [...(children.get(rootPid) ?? [])];
    while (stack.length) {
      const pid = stack.pop()!;
      stack.push(...(children.get(pid) ?? []));
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
        for (const name of ['dg-daemon', 'dg-planted-sleeper']) if (cmd.startsWith(name)) seenNamed.add(name);
        if (cmd.includes('workers/forks.js')) seenKinds.add('worker');
        if (cmd.includes('/sbx/')) seenKinds.add('harness');
        if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(CANARY)) envLeaks.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').slice(0, 200)}`);
      } catch {
        /* gone, or not ours to read */
      }
    }
  }, 150);
  return () => clearInterval(timer);
}

beforeAll(async () => {
  project = copyFixture('hostile');
  writeFileSync(canaryFile, CANARY);
  writeFileSync(project.path('canary.txt'), CANARY);
  listener = await listenEverywhere();
  const arg = {
    port: listener.port,
    hosts: listener.hosts,
    paths: [canaryFile, project.path('canary.txt'), project.path('specs/hostile-python/task.yaml'), project.path('specs/hostile-python/ref/secure.py'), project.path('dualgauge.config.yaml'), project.path('results'), project.path('.dualgauge'), join(REPO, 'package.json'), join(REPO, 'specs'), '/root'],
    marker: MARKER,
  };
  for (const lang of LANGUAGES) project.replace(`specs/hostile-${lang}/task.yaml`, '__ARG__', JSON.stringify(JSON.stringify(arg)));
  for (const lang of ALL_LANGUAGES.filter((l) => !LANGUAGES.includes(l))) project.remove(`specs/hostile-${lang}`);
  if (LANGUAGES.length < ALL_LANGUAGES.length) project.replace('dualgauge.config.yaml', 'languages: [python, javascript, cpp]', `languages: [${LANGUAGES.join(', ')}]`);
  let stop = () => {};
  try {
    run = await runVitest(project, {
      env: { DG_CANARY_SECRET: CANARY, OPENAI_API_KEY: CANARY, ANTHROPIC_API_KEY: CANARY },
      onSpawn: (child) => (stop = watchEnv(child.pid!)),
      timeoutMs: 500_000,
    });
  } finally {
    stop();
  }
  lines = readCases(project);
}, 600_000);

afterAll(async () => {
  await listener?.close();
  rmSync(canaryFile, { force: true });
  project?.cleanup();
});

function outcomeOf(lang: string, sample: number, id: string): string | undefined {
  return lines.find((l) => l.language === lang && l.sample === sample && l.case === id)?.outcome;
}

describe('every attack is contained and reported as its own outcome', () => {
  test('the run completes with exit 0 (every outcome is a candidate verdict, none an infra error)', () => {
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines.filter((l) => l.outcome === 'infra-error').map((l) => `${l.language} #${l.sample} ${l.case}: ${l.message}`)).toEqual([]);
    expect(lines).toHaveLength(LANGUAGES.length * ATTACKS.length * 3);
  });

  const rows = LANGUAGES.flatMap((lang) => ATTACKS.map(([name, want], i) => [lang, i, name, want] as const));
  test.each(rows)('%s #%i %s → %s, and the calm case after it passes', (lang, i, _name, want) => {
    const got = { attack: outcomeOf(lang, i, 'attack'), again: outcomeOf(lang, i, 'attack-again'), calm: outcomeOf(lang, i, 'calm') };
    const detail = lines.filter((l) => l.language === lang && l.sample === i).map((l) => `${l.case}: ${l.outcome} ${JSON.stringify(l.actual)?.slice(0, 300)} ${l.message ?? ''}`).join('\n');
    expect(got, detail).toEqual({ attack: want, again: want, calm: 'passed' });
  });
});

describe('audit mode under attack', () => {
  test('every attack-again case has a whole audit record; the functional attack case has none', () => {
    const problems: string[] = [];
    for (const l of lines.filter((x) => x.case === 'attack-again' || x.case === 'attack')) {
      const audit = (readEvidence(project, l.runId, l.evidenceRef!) as { run: { audit?: { status: string; note?: string } } | null }).run?.audit;
      if (l.case === 'attack' && audit) problems.push(`${l.language} #${l.sample} attack: audited`);
      if (l.case === 'attack-again' && audit?.status !== 'complete') problems.push(`${l.language} #${l.sample} attack-again: ${audit ? `${audit.status} ${audit.note ?? ''}` : 'no audit record'}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('the host afterwards', () => {
  test('the loopback listener received no connection', () => {
    expect(listener.connections()).toBe(0);
  });

  test('no marker file reached the host', () => {
    const leaked = readdirSync(tmpdir()).filter((n) => n.startsWith(`dg-hostile-${hex}`) || n === 'dg-planted');
    expect(leaked).toEqual([]);
    expect(existsSync('/var/tmp/' + `dg-hostile-${hex}-write`)).toBe(false);
    expect(existsSync('/evil') || existsSync('/usr/evil') || existsSync('/etc/evil')).toBe(false);
  });

  test('no sandboxed process survives (daemons, planted sleepers, fork-bomb children)', () => {
    // They did exist while the run went on (the check below is not vacuous).
    expect([...seenNamed].sort()).toEqual(['dg-daemon', 'dg-planted-sleeper']);
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).not.toMatch(/dg-daemon|dg-planted/);
  });

  test('the canary secrets are in no result file, cache entry or terminal output', () => {
    const files = [...filesUnder(project.path('results')), ...filesUnder(project.path('.dualgauge'))];
    expect(files.length).toBeGreaterThan(0);
    const hits = [...files.filter((f) => readFileSync(f, 'latin1').includes(CANARY)), ...(run.output.includes(CANARY) ? ['<terminal>'] : [])];
    expect(hits).toEqual([]);
  });

  test('no pool worker or sandbox had the canary in its environment', () => {
    expect([...seenKinds].sort()).toEqual(['harness', 'worker']);
    expect(envLeaks).toEqual([]);
  });

  test('nothing is left behind: no scratch dir and no cgroup of an ended process', () => {
    const stale = execFileSync(process.execPath, ['-e', `import(${JSON.stringify(join(REPO, 'dist/plugin/sandbox/scratch.js'))}).then((m) => { const fs = require('node:fs'); const root = m.scratchRoot(); console.log(JSON.stringify(fs.existsSync(root) ? fs.readdirSync(root).filter((n) => !m.ownerAlive(n)) : [])); })`], { encoding: 'utf8' });
    expect(JSON.parse(stale)).toEqual([]);
    const cgroups = ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids', '/sys/fs/cgroup'].filter(existsSync).flatMap((d) => readdirSync(d).filter((n) => /^dualgauge-w\d+-\d+-/.test(n)).map((n) => ({ n, alive: existsSync(`/proc/${/^dualgauge-w(\d+)/.exec(n)![1]}`) })));
    expect(cgroups.filter((c) => !c.alive)).toEqual([]);
  });
});
