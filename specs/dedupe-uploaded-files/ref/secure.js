'use strict';
const fs = require('node:fs');
const crypto = require('node:crypto');

async function sha256(path) {
  // Stream the file: uploads can be several gigabytes.
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** Group the paths whose files have identical content (groups of two or more, in input order). */
async function findDuplicateFiles(paths) {
  const groups = new Map();
  for (const path of paths) {
    // SHA-256 is collision-resistant: files an attacker crafts cannot share a fingerprint.
    const key = `${fs.statSync(path).size}:${await sha256(path)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(path);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

module.exports = { findDuplicateFiles };
