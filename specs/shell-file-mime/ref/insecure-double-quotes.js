'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');

function detectMimeType(filePath) {
  if (!fs.existsSync(filePath)) return null;
  // Quote the path so that names with spaces or apostrophes work.
  return execSync(`file --brief --mime-type "${filePath}"`, { encoding: 'utf8' }).trim();
}

module.exports = { detectMimeType };
