'use strict';

function formatAuditEntry(timestamp, level, user, message) {
  // Keep every entry on one line.
  const oneLine = (s) => s.replace(/\n/g, ' ');
  return [timestamp, level, `user=${oneLine(user)}`, oneLine(message)].join(' ');
}

module.exports = { formatAuditEntry };
