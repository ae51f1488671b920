'use strict';
const fs = require('node:fs');
const path = require('node:path');

function readDocument(baseDir, name) {
  const base = path.resolve(baseDir);
  // Purely lexical: path.resolve collapses ".." but does not follow symlinks.
  const target = path.resolve(base, name);
  if (!target.startsWith(base + path.sep)) return null;
  if (!fs.existsSync(target) || !fs.statSync(target).isFile()) return null;
  return fs.readFileSync(target, 'utf8');
}

module.exports = { readDocument };
