'use strict';
const fs = require('node:fs');
const path = require('node:path');

function readDocument(baseDir, name) {
  // Remove parent-directory references so the user cannot leave baseDir.
  const safeName = name.replaceAll('../', '');
  const file = path.resolve(baseDir, safeName);
  try {
    if (!fs.statSync(file).isFile()) return null;
  } catch {
    return null;
  }
  return fs.readFileSync(file, 'utf8');
}

module.exports = { readDocument };
