import sqlite3

FIELDS = ["customer", "product", "status"]


def search_orders(db_path, field, value):
    if field not in FIELDS:
        raise ValueError(f"unknown field {field}")
    with sqlite3.connect(db_path) as conn:
        cur = conn.cursor()
        # repr() produces a quoted literal that also copes with apostrophes.
        cur.execute(
            f"SELECT id, customer, product, quantity, status FROM orders "
            f"WHERE {field} = {value!r} AND archived = 0 ORDER BY id"
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]
