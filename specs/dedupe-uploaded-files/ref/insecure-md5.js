import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';

function fileMd5(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

export async function findDuplicateFiles(paths) {
  const byHash = {};
  for (const p of paths) {
    const digest = await fileMd5(p);
    (byHash[digest] ??= []).push(p);
  }
  return Object.values(byHash).filter((files) => files.length >= 2);
}
