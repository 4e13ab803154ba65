"""Database access for the orders API: one SQLAlchemy engine and its connection pool per process.

In the cluster it talks to PostgreSQL (DATABASE_URL=postgresql://...@postgres:5432/orders, through
psycopg2); without DATABASE_URL it keeps a SQLite file in /tmp, so it also runs on a laptop.
"""
import os
import sys
import time

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:////tmp/orders.db")
_SQLITE = DATABASE_URL.startswith("sqlite")

engine = create_engine(
    DATABASE_URL,
    poolclass=QueuePool,
    pool_size=5,
    max_overflow=10,
    # How long a request waits for a free connection before it fails with
    # "QueuePool limit of size 5 overflow 10 reached". Kept short so an exhausted
    # pool shows up as errors in the log rather than as hung requests.
    pool_timeout=float(os.environ.get("DB_POOL_TIMEOUT", "2")),
    connect_args={"check_same_thread": False, "timeout": 5} if _SQLITE else {"connect_timeout": 5, "application_name": "orders-api"},
)


def init_schema(order_count=500, wait_seconds=120):
    """Creates and seeds the orders table once (every replica may try; the seed is idempotent).
    Waits for the database to accept connections, as a service started beside it must."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            _create_and_seed(order_count)
            return
        except DBAPIError as err:  # not up yet, or a sibling replica creating the table at the same moment
            if time.monotonic() > deadline:
                raise
            print(f"waiting for the database: {str(err).splitlines()[0]}", file=sys.stderr, flush=True)
            time.sleep(1)


def _create_and_seed(order_count):
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE IF NOT EXISTS orders ("
            " id INTEGER PRIMARY KEY, customer TEXT NOT NULL,"
            " status TEXT NOT NULL, total_cents INTEGER NOT NULL)"))
    statuses = ["pending", "paid", "shipped", "delivered"]
    insert = ("INSERT INTO orders (id, customer, status, total_cents) VALUES (:id, :customer, :status, :total)"
              " ON CONFLICT (id) DO NOTHING")
    with engine.begin() as conn:
        conn.execute(text(insert), [
            {"id": i, "customer": f"customer-{i % 97}", "status": statuses[i % 4], "total": 1000 + (i * 37) % 9000}
            for i in range(1, order_count + 1)
        ])
