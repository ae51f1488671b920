/** Result files: atomic writes, JSONL appends, content-addressed cache entries, the `latest` link. */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Write via a temp file + rename, so readers never see half a file (and a crash leaves the old one). */
export function writeAtomic(file: string, data: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export function appendLine(file: string, obj: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  // One write per line (O_APPEND): concurrent appenders never interleave within a line.
  appendFileSync(file, JSON.stringify(obj) + '\n');
}

/** Run id `YYYYMMDDTHHMMSSZ-<6 hex of the plan hash>`. */
export function makeRunId(planHash: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${planHash.slice(0, 6)}`;
}

/** Point results/latest at a run, swapping the link atomically. */
export function linkLatest(resultsDir: string, runId: string): void {
  const tmp = join(resultsDir, `.latest-${process.pid}`);
  rmSync(tmp, { force: true });
  symlinkSync(runId, tmp);
  renameSync(tmp, join(resultsDir, 'latest'));
}

export class Cache {
  constructor(readonly dir: string | null) {}

  private path(stage: string, key: string): string {
    return join(this.dir!, stage, key.slice(0, 2), `${key}.json`);
  }

  get<T>(stage: string, key: string): T | undefined {
    if (!this.dir) return undefined;
    const p = this.path(stage, key);
    if (!existsSync(p)) return undefined;
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as T;
    } catch {
      return undefined; // a torn or foreign file is a miss, never an error: deleting the cache is always safe
    }
  }

  set(stage: string, key: string, value: unknown): void {
    if (!this.dir) return;
    writeAtomic(this.path(stage, key), JSON.stringify(value));
  }
}

/** Store evidence content-addressed under the run; returns its reference (the hash). */
export function writeEvidence(runDir: string, evidence: unknown): string {
  const text = JSON.stringify(evidence);
  const ref = sha256(text);
  const file = join(runDir, 'evidence', `${ref}.json`);
  if (!existsSync(file)) writeAtomic(file, text);
  return ref;
}
