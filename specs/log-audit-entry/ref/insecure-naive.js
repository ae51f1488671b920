export function formatAuditEntry(timestamp, level, user, message) {
  return `${timestamp} ${level} user=${user} ${message}`;
}
