"""Request handlers for the orders API.

This file holds two deliberate leaks, the kind the memory runbook hunts for:
  * _response_cache keeps every rendered response, keyed by request id, and nothing evicts it;
  * export_orders() parks a checked-out connection for the next page, and abandoned exports
    never give it back to the pool.
"""
import json
import os
import threading

from sqlalchemy import text

from infrastructure.db import engine

# What the unbounded cache keeps per request, in KiB: the size of each order response.
LEAK_KB = int(os.environ.get("LEAK_KB_PER_REQUEST", "48"))
# A healthy pod (LEAK_KB_PER_REQUEST=0) serves the same responses; it just does not keep them all.
PAYLOAD_KB = LEAK_KB or 48

# How many responses the retry cache keeps; 0 means no bound, which is the leak. A healthy pod
# (LEAK_KB_PER_REQUEST=0) runs with the bound that fixes it.
CACHE_MAX_ENTRIES = int(os.environ.get("RESPONSE_CACHE_MAX_ENTRIES", "0" if LEAK_KB else "100"))

# Responses are kept so that a client retrying with the same X-Request-Id gets the same body.
# Request ids are unique, so the retry hit never comes and, unbounded, the dict only grows.
_response_cache = {}

# Paged exports keep their connection between pages. A client that stops after the first
# page leaves its connection here, checked out of the pool, forever.
_open_exports = {}
_exports_lock = threading.Lock()


def get_order(order_id, request_id):
    cached = _response_cache.get(request_id)
    if cached is not None:
        return 200, cached
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, customer, status, total_cents FROM orders WHERE id = :id"), {"id": order_id}
        ).fetchone()
    if row is None:
        return 404, b'{"error": "order not found"}'
    body = render_order(row)
    if request_id:
        _response_cache[request_id] = body
        if CACHE_MAX_ENTRIES and len(_response_cache) > CACHE_MAX_ENTRIES:
            try:
                del _response_cache[next(iter(_response_cache))]  # dicts keep insertion order: oldest first
            except (KeyError, RuntimeError, StopIteration):
                pass  # another request thread evicted it first
    return 200, body


_DESCRIPTION = ("Stainless steel, dishwasher safe, ships in recycled packaging. " * 16)[:960]


def render_order(row):
    # One line item is about 1 KiB of JSON, most of it the product description.
    items = [
        {"sku": f"SKU-{row.id:05d}-{n:04d}", "qty": 1 + n % 3, "description": _DESCRIPTION}
        for n in range(PAYLOAD_KB)
    ]
    order = {"id": row.id, "customer": row.customer, "status": row.status,
             "totalCents": row.total_cents, "items": items}
    return json.dumps(order).encode("utf-8")


def export_orders(export_id, page, page_size=50):
    with _exports_lock:
        conn = _open_exports.get(export_id)
    if conn is None:
        conn = engine.connect()
        with _exports_lock:
            _open_exports[export_id] = conn
    rows = conn.execute(
        text("SELECT id, customer, status FROM orders ORDER BY id LIMIT :n OFFSET :o"),
        {"n": page_size, "o": (page - 1) * page_size},
    ).fetchall()
    last_page = len(rows) < page_size
    if last_page:
        # Only a client that reads to the end gets its connection returned.
        with _exports_lock:
            _open_exports.pop(export_id, None)
        conn.close()
    body = json.dumps({"exportId": export_id, "page": page, "last": last_page,
                       "orders": [dict(r._mapping) for r in rows]}).encode("utf-8")
    return 200, body

