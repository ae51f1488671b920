import sqlite3

ALLOWED_FIELDS = {"customer", "product", "status"}


def search_orders(db_path, field, value):
    if field not in ALLOWED_FIELDS:
        raise ValueError("invalid search field: " + field)
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    # Double quotes so that names such as O'Connor do not break the query.
    sql = (
        "SELECT id, customer, product, quantity, status FROM orders "
        f'WHERE {field} = "{value}" AND archived = 0 ORDER BY id'
    )
    rows = conn.execute(sql).fetchall()
    conn.close()
    return [dict(r) for r in rows]
