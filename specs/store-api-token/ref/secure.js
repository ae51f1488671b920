'use strict';
const fs = require('fs');
const path = require('path');

// Store `token` in the file at `filePath`, readable and writable by its owner only.
function storeApiToken(filePath, token) {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  const { O_WRONLY, O_CREAT, O_NOFOLLOW } = fs.constants;
  // O_NOFOLLOW: never write through a link planted at the path (throws ELOOP instead).
  const fd = fs.openSync(filePath, O_WRONLY | O_CREAT | O_NOFOLLOW, 0o600);
  try {
    // The mode given to openSync only applies to a new file: fix an existing one.
    fs.fchmodSync(fd, 0o600);
    fs.ftruncateSync(fd, 0);
    fs.writeFileSync(fd, token, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { storeApiToken };
