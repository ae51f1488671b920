const escapeNewlines = (value) => value.replace(/\r/g, '\\r').replace(/\n/g, '\\n');

// Escape CR and LF so that a forged "line" stays visible inside the entry.
export const formatAuditEntry = (timestamp, level, user, message) =>
  `${timestamp} ${level} user=${escapeNewlines(user)} ${escapeNewlines(message)}`;
