/** The run manifest: what produced these numbers (tool, git, config, specs, toolchains, sandbox, limits). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { packageFile } from '../plugin/paths.js';
import { globSync } from 'tinyglobby';
import type { RunConfig } from '../plugin/config/types.js';
import { getLanguage } from '../plugin/languages/index.js';
import { workerSandboxMechanisms } from '../plugin/sandbox/mechanisms.js';
import { straceVersion } from '../plugin/sandbox/bwrap.js';
import { sha256 } from '../plugin/results/store.js';

const PKG = packageFile('package.json');

export function runManifest(config: RunConfig) {
  let gitSha: string | null = null;
  try {
    // git needs no secret of the user's env (API keys): only where to find itself and its config.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(process.env.HOME ? { HOME: process.env.HOME } : {}) };
    gitSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(PKG), env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    gitSha = null;
  }
  const specHashes: Record<string, string> = {};
  for (const f of globSync(config.specGlobs, { cwd: config.dir, absolute: true }).sort()) specHashes[basename(dirname(f))] = sha256(readFileSync(f));
  const toolchains: Record<string, Record<string, string>> = {};
  for (const l of config.languages) {
    const lang = getLanguage(l);
    if (lang) toolchains[l] = lang.toolchain().versions;
  }
  return {
    toolVersion: (JSON.parse(readFileSync(PKG, 'utf8')) as { version: string }).version,
    gitSha,
    configHash: config.hash,
    specHashes,
    toolchains,
    backend: config.sandbox.backend,
    limits: config.limits,
    limitMechanisms: workerSandboxMechanisms(),
    audit: { mode: config.audit, strace: config.audit === 'off' ? null : straceVersion() },
  };
}

/** The run header: the sandbox and, per limit, its value and the mechanism that enforces it on this host. */
const AUDIT_SCOPE = { auto: 'security cases with audit detectors', security: 'every security case', all: 'every case' } as const;

export function runHeader(config: RunConfig, runId: string): string {
  const l = config.limits;
  const m = workerSandboxMechanisms();
  const rows: [string, string, string][] = [
    ['wall time', `${l.timeoutMs} ms per case`, m.wall],
    ['cpu time', `${l.cpuS} s per process`, m.cpu],
    ['memory', `${l.memoryMb} MiB`, m.memory],
    ['processes', String(l.processes), m.processes],
    ['open files', String(l.openFiles), m.openFiles],
    ['output', `${l.outputBytes} bytes per stream`, m.output],
    ['disk', `${l.diskMb} MiB per scratch dir`, m.disk],
    ['inodes', `${l.diskInodes} per scratch dir`, m.inodes],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const strace = config.audit === 'off' ? null : straceVersion();
  const audit = config.audit === 'off' ? 'off' : `${config.audit}: ${AUDIT_SCOPE[config.audit]} · ${strace ?? 'strace NOT FOUND: audited cases will be infra errors (install strace or set audit: off)'}`;
  return [
    `DualGauge run ${runId} · sandbox ${config.sandbox.backend} · limits:`,
    ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`),
    `audit mode ${audit}`,
    '',
  ].join('\n');
}
