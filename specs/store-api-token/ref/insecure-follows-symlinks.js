'use strict';
const fs = require('fs');
const path = require('path');

function storeApiToken(filePath, token) {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const fd = fs.openSync(filePath, 'w', 0o600); // follows a link at filePath
  try {
    fs.fchmodSync(fd, 0o600); // also fixes an existing file
    fs.writeFileSync(fd, token, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { storeApiToken };
