"""Database access for the orders API: one SQLAlchemy engine and its connection pool per process."""
import os

from sqlalchemy import create_engine, text
from sqlalchemy.pool import QueuePool

# A file in the container's working directory, so every pod has its own database.
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///orders.db")

engine = create_engine(
    DATABASE_URL,
    poolclass=QueuePool,
    pool_size=5,
    max_overflow=10,
    # How long a request waits for a free connection before it fails with
    # "QueuePool limit of size 5 overflow 10 reached". Kept short so an exhausted
    # pool shows up as errors in the log rather than as hung requests.
    pool_timeout=float(os.environ.get("DB_POOL_TIMEOUT", "2")),
    connect_args={"check_same_thread": False, "timeout": 5},
)


def init_schema(order_count=500):
    """Creates and seeds the orders table once; the seed is deterministic."""
    with engine.begin() as conn:
        conn.execute(text(
            "CREATE TABLE IF NOT EXISTS orders ("
            " id INTEGER PRIMARY KEY, customer TEXT NOT NULL,"
            " status TEXT NOT NULL, total_cents INTEGER NOT NULL)"))
        existing = conn.execute(text("SELECT COUNT(*) FROM orders")).scalar()
        if existing:
            return
        statuses = ["pending", "paid", "shipped", "delivered"]
        conn.execute(
            text("INSERT INTO orders (id, customer, status, total_cents) VALUES (:id, :customer, :status, :total)"),
            [{"id": i, "customer": f"customer-{i % 97}", "status": statuses[i % 4], "total": 1000 + (i * 37) % 9000}
             for i in range(1, order_count + 1)],
        )


def pool_stats():
    """The pool's own figures, as the runbook's Step 4 asks for them, read inside the serving process."""
    pool = engine.pool
    return {
        "class": type(pool).__name__,
        "size": pool.size(),
        "checkedIn": pool.checkedin(),
        "checkedOut": pool.checkedout(),
        "overflow": pool.overflow(),
        "maxOverflow": getattr(pool, "_max_overflow", None),
        "timeoutSeconds": pool.timeout(),
        "status": pool.status(),
    }
