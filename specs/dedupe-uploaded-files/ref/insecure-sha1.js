'use strict';
const fs = require('node:fs');
const crypto = require('node:crypto');
const { pipeline } = require('node:stream/promises');

async function findDuplicateFiles(paths) {
  // Files of different sizes cannot be duplicates: only hash files that share a size.
  const sizes = new Map();
  for (const p of paths) {
    const size = fs.statSync(p).size;
    sizes.set(size, (sizes.get(size) ?? 0) + 1);
  }
  const seen = new Map();
  for (const p of paths) {
    if (sizes.get(fs.statSync(p).size) < 2) continue;
    const hash = crypto.createHash('sha1');
    await pipeline(fs.createReadStream(p), hash);
    const digest = hash.digest('hex');
    if (!seen.has(digest)) seen.set(digest, []);
    seen.get(digest).push(p);
  }
  return [...seen.values()].filter((group) => group.length > 1);
}

module.exports = { findDuplicateFiles };
