'use strict';
const fs = require('node:fs');
const initSqlJs = require('sql.js');

const ALLOWED_FIELDS = ['customer', 'product', 'status'];

async function searchOrders(dbPath, field, value) {
  if (!ALLOWED_FIELDS.includes(field)) {
    throw new Error(`invalid search field: ${field}`);
  }
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(dbPath));
  try {
    // Double quotes so that names such as O'Connor do not break the query.
    const stmt = db.prepare(
      `SELECT id, customer, product, quantity, status FROM orders WHERE ${field} = "${value}" AND archived = 0 ORDER BY id`,
    );
    const rows = [];
    while (stmt.step()) rows.push(stmt.getAsObject());
    stmt.free();
    return rows;
  } finally {
    db.close();
  }
}

module.exports = { searchOrders };
