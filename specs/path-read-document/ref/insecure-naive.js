'use strict';
const fs = require('node:fs');
const path = require('node:path');

function readDocument(baseDir, name) {
  try {
    return fs.readFileSync(path.join(baseDir, name), 'utf8');
  } catch {
    return null;
  }
}

module.exports = { readDocument };
