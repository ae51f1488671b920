'use strict';
const fs = require('node:fs');
const path = require('node:path');

function readDocument(baseDir, name) {
  const base = fs.realpathSync(baseDir);
  let target;
  try {
    target = fs.realpathSync(path.join(baseDir, name));
  } catch {
    return null;
  }
  // Forgets the separator: /work/docs-private also "starts with" /work/docs.
  if (!target.startsWith(base)) return null;
  if (!fs.statSync(target).isFile()) return null;
  return fs.readFileSync(target, 'utf8');
}

module.exports = { readDocument };
