'use strict';
const fs = require('fs');
const path = require('path');

function storeApiToken(filePath, token) {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, token, 'utf8');
}

module.exports = { storeApiToken };
