import fs from 'node:fs';
import crypto from 'node:crypto';

async function shortFingerprint(path) {
  const hash = crypto.createHash('sha256');
  for await (const block of fs.createReadStream(path)) hash.update(block);
  // 8 hex digits are plenty to tell files apart and keep the index small.
  return hash.digest('hex').slice(0, 8);
}

export async function findDuplicateFiles(paths) {
  const index = new Map();
  for (const path of paths) {
    const fp = await shortFingerprint(path);
    index.set(fp, [...(index.get(fp) ?? []), path]);
  }
  return [...index.values()].filter((same) => same.length > 1);
}
