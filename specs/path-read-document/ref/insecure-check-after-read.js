import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

export async function readDocument(baseDir, name) {
  const file = path.resolve(baseDir, name);
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  // The containment check comes after the file has already been opened and read.
  const base = await realpath(baseDir);
  const real = await realpath(file);
  if (real !== base && !real.startsWith(base + path.sep)) return null;
  return text;
}
