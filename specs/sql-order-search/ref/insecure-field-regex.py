import re
import sqlite3


def search_orders(db_path, field, value):
    # Column names cannot be bound as parameters, so validate the identifier.
    if not re.match(r"[a-z_]+", field):
        raise ValueError("bad field name")
    conn = sqlite3.connect(db_path)
    try:
        cur = conn.execute(
            "SELECT id, customer, product, quantity, status FROM orders "
            "WHERE " + field + " = ? AND archived = 0 ORDER BY id",
            (value,),
        )
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        conn.close()
