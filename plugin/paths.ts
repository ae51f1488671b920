/** Where the package's own files are, whether running from plugin/*.ts (tests) or dist/plugin/*.js. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dualgauge') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('dualgauge: cannot find the package root (package.json named "dualgauge")');
    dir = up;
  }
}

/** A file shipped with the package (schema/, plugin/**\/*.hbs), by its path from the package root. */
export function packageFile(rel: string): string {
  return join(packageRoot(), rel);
}
