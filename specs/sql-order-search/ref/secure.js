import Database from 'better-sqlite3';

const SEARCHABLE_FIELDS = new Set(['customer', 'product', 'status']);

/** Return the non-archived orders whose `field` equals `value`, by id. */
export function searchOrders(dbPath, field, value) {
  if (!SEARCHABLE_FIELDS.has(field)) {
    throw new Error(`cannot search by field ${JSON.stringify(field)}`);
  }
  // The column name comes from the fixed allow-list above; the value is bound.
  const query =
    'SELECT id, customer, product, quantity, status FROM orders ' +
    `WHERE ${field} = ? AND archived = 0 ORDER BY id`;
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    return db.prepare(query).all(value);
  } finally {
    db.close();
  }
}
