/** The run manifest: what produced these numbers (tool, git, config, specs, toolchains, sandbox, limits). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { packageFile } from '../plugin/paths.js';
import { globSync } from 'tinyglobby';
import type { RunConfig } from '../plugin/config/types.js';
import { getLanguage } from '../plugin/languages/index.js';
import { workerSandboxMechanisms } from '../plugin/sandbox/mechanisms.js';
import { sha256 } from '../plugin/results/store.js';

const PKG = packageFile('package.json');

export function runManifest(config: RunConfig) {
  let gitSha: string | null = null;
  try {
    gitSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(PKG), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
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
  };
}
