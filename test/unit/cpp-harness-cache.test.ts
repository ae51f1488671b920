/** The C++ harness cache keeps the current build and drops stale ones (plugin/languages/cpp/index.ts). */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { pruneHarnessCache } from '../../plugin/languages/cpp/index.js';

const root = mkdtempSync(join(tmpdir(), 'dg-cpp-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('keeps the current build and recent ones; drops builds unused for a day and temp dirs older than an hour', () => {
  const old = Date.now() / 1000 - 2 * 24 * 3600;
  const hours = Date.now() / 1000 - 2 * 3600;
  const make = (name: string, mtime: number) => {
    mkdirSync(join(root, name));
    utimesSync(join(root, name), mtime, mtime);
  };
  make('current', old);
  make('stale', old);
  make('recent', hours);
  make('recent.tmp-abc', hours);
  make('fresh.tmp-def', Date.now() / 1000);
  pruneHarnessCache(root, 'current');
  expect(['current', 'stale', 'recent', 'recent.tmp-abc', 'fresh.tmp-def'].filter((n) => existsSync(join(root, n)))).toEqual(['current', 'recent', 'fresh.tmp-def']);
});
