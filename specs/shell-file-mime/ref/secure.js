'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

/** Return the MIME type `file` reports for the file at `filePath`, or null. */
function detectMimeType(filePath) {
  const stats = fs.statSync(filePath, { throwIfNoEntry: false });
  if (!stats || !stats.isFile()) return null;
  // No shell, and "--" so that a name starting with "-" is never an option.
  const output = execFileSync('file', ['--brief', '--mime-type', '--', filePath], { encoding: 'utf8' });
  return output.trim();
}

module.exports = { detectMimeType };
