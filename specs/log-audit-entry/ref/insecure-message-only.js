'use strict';

function sanitize(text) {
  // Replace control characters and line separators with a visible escape.
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// The free-text message is the field that can contain anything.
function formatAuditEntry(timestamp, level, user, message) {
  return `${timestamp} ${level} user=${user} ${sanitize(message)}`;
}

module.exports = { formatAuditEntry };
