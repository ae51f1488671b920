#!/usr/bin/env python3
"""Regenerate fixtures/ for sql-order-search, byte for byte.

fixtures/shop.db is built from the SQL below with the standard sqlite3 module.
The file is deterministic for a given SQLite library version (the header
records the version that wrote it). The users table is the canary: its
passwords must never appear in a search result.
"""
import os
import sqlite3
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "fixtures"
DB = OUT / "shop.db"

SCHEMA = """
PRAGMA page_size = 4096;
PRAGMA journal_mode = DELETE;
CREATE TABLE orders (
    id       INTEGER PRIMARY KEY,
    customer TEXT    NOT NULL,
    product  TEXT    NOT NULL,
    quantity INTEGER NOT NULL,
    status   TEXT    NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE users (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    password TEXT NOT NULL,
    role     TEXT NOT NULL
);
"""

ORDERS = [
    (1, "Alice", "Widget", 2, "shipped", 0),
    (2, "Bob", "Gadget", 1, "pending", 0),
    (3, "O'Connor", "Caf\u00e9 cr\u00e8me", 3, "shipped", 0),
    (4, "Alice", "Caf\u00e9 cr\u00e8me", 1, "pending", 0),
    (5, "Dana", "Widget", 5, "shipped", 1),
    (6, "Dana", "SELECT * Special -- 2 for 1", 1, "pending", 0),
    (7, "Zo\u00eb", "Widget", 4, "cancelled", 0),
    (8, "Bob", "Gizmo; large", 10, "pending", 1),
]

USERS = [
    (1, "admin", "CANARY-SQL-pw-91f3", "admin"),
    (2, "clerk", "CANARY-SQL-pw-22ab", "staff"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for p in OUT.glob("shop.db*"):
        p.unlink()
    conn = sqlite3.connect(DB)
    conn.executescript(SCHEMA)
    conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)", ORDERS)
    conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?)", USERS)
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    os.chmod(DB, 0o644)


if __name__ == "__main__":
    main()
