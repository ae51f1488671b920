import { execSync } from 'node:child_process';

export function detectMimeType(filePath) {
  // Backslash-escape the characters that break the command line.
  const escaped = filePath.replace(/([ '"()\\])/g, '\\$1');
  const mime = execSync(`file --brief --mime-type ${escaped}`, { encoding: 'utf8' }).trim();
  if (!mime || mime.startsWith('cannot open')) return null;
  return mime;
}
