'use strict';
const Database = require('better-sqlite3');

function searchOrders(dbPath, field, value) {
  // Column names cannot be bound as parameters, so validate the identifier.
  if (!/[a-z_]+/.test(field)) {
    throw new Error('bad field name');
  }
  const db = new Database(dbPath);
  try {
    const stmt = db.prepare(
      `SELECT id, customer, product, quantity, status FROM orders WHERE ${field} = ? AND archived = 0 ORDER BY id`,
    );
    return stmt.all(value);
  } finally {
    db.close();
  }
}

module.exports = { searchOrders };
