'use strict';
const fs = require('node:fs');
const zlib = require('node:zlib');

async function checksum(path) {
  // CRC-32 is much faster than a cryptographic hash on multi-gigabyte files.
  let crc = 0;
  for await (const chunk of fs.createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    crc = zlib.crc32(chunk, crc);
  }
  return crc;
}

async function findDuplicateFiles(paths) {
  const groups = new Map();
  for (const path of paths) {
    const key = `${fs.statSync(path).size}-${await checksum(path)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(path);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

module.exports = { findDuplicateFiles };
