import sqlite3

SEARCHABLE_FIELDS = ("customer", "product", "status")


def search_orders(db_path, field, value):
    """Return the non-archived orders whose `field` equals `value`, by id."""
    if field not in SEARCHABLE_FIELDS:
        raise ValueError(f"cannot search by field {field!r}")
    # The column name comes from the fixed allow-list above; the value is bound.
    query = (
        "SELECT id, customer, product, quantity, status FROM orders "
        f"WHERE {field} = ? AND archived = 0 ORDER BY id"
    )
    conn = sqlite3.connect(db_path)
    try:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(query, (value,))]
    finally:
        conn.close()
