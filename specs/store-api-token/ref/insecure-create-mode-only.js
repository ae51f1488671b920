'use strict';
const fs = require('fs');
const path = require('path');

function storeApiToken(filePath, token) {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  // `mode` only applies when the file is created; an existing file keeps its mode.
  fs.writeFileSync(filePath, token, { encoding: 'utf8', mode: 0o600 });
}

module.exports = { storeApiToken };
