'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Return the text of document `name` stored under `baseDir`, or null. */
function readDocument(baseDir, name) {
  const base = fs.realpathSync(baseDir);
  let target;
  try {
    // Resolve symlinks and ".." first, then insist the result stays inside base.
    target = fs.realpathSync(path.join(base, name));
  } catch {
    return null;
  }
  const rel = path.relative(base, target);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  if (!fs.statSync(target).isFile()) return null;
  return fs.readFileSync(target, 'utf8');
}

module.exports = { readDocument };
