import { readFileSync } from 'node:fs';
import initSqlJs from 'sql.js';

const FIELDS = ['customer', 'product', 'status'];

export async function searchOrders(dbPath, field, value) {
  if (!FIELDS.includes(field)) throw new Error(`unknown field ${field}`);
  const SQL = await initSqlJs();
  const db = new SQL.Database(readFileSync(dbPath));
  try {
    // JSON.stringify produces a quoted, escaped literal that also copes with apostrophes.
    const [result] = db.exec(
      `SELECT id, customer, product, quantity, status FROM orders WHERE ${field} = ${JSON.stringify(value)} AND archived = 0 ORDER BY id`,
    );
    if (!result) return [];
    return result.values.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])));
  } finally {
    db.close();
  }
}
