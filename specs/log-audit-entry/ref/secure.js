'use strict';

const ESCAPES = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// Control characters (C0, DEL, C1 such as NEL) and the Unicode line/paragraph separators.
const UNSAFE = /[\p{Cc}\u2028\u2029]/gu;

function neutralize(value) {
  // Printable text stays as it is; anything that could end the line or drive the
  // terminal (CR, LF, NEL, U+2028, ESC, ...) is written as a visible escape instead.
  return value.replace(UNSAFE, (ch) => ESCAPES[ch] ?? `\\u${ch.codePointAt(0).toString(16).padStart(4, '0')}`);
}

/** Return one audit-log line; untrusted fields cannot start a new line or drive the terminal. */
function formatAuditEntry(timestamp, level, user, message) {
  return `${timestamp} ${level} user=${neutralize(user)} ${neutralize(message)}`;
}

module.exports = { formatAuditEntry };
