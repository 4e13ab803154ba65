"""Keeps the service busy the way its real clients would: order lookups, and now and then
an export whose client gives up after the first page."""
import http.client
import os
import random
import threading
import time
import uuid

REQUESTS_PER_SECOND = float(os.environ.get("REQUESTS_PER_SECOND", "10"))
# Every Nth request starts an export and abandons it (0 = never). A healthy pod
# (LEAK_KB_PER_REQUEST=0) has clients that read their exports to the end.
_LEAKING = int(os.environ.get("LEAK_KB_PER_REQUEST", "48")) > 0
LEAK_CONNECTIONS_EVERY = int(os.environ.get("LEAK_CONNECTIONS_EVERY", "100" if _LEAKING else "0"))
MAX_IN_FLIGHT = 32


def start(port):
    if REQUESTS_PER_SECOND <= 0:
        return
    threading.Thread(target=_run, args=(port,), name="loadgen", daemon=True).start()


def _run(port):
    in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)
    interval = 1.0 / REQUESTS_PER_SECOND
    n = 0
    next_at = time.monotonic()
    while True:
        n += 1
        if LEAK_CONNECTIONS_EVERY and n % LEAK_CONNECTIONS_EVERY == 0:
            path = f"/orders/export?id={uuid.uuid4().hex}&page=1"
        else:
            path = f"/orders/{random.randint(1, 500)}"
        # A request that waits on an exhausted pool must not slow the others down.
        if in_flight.acquire(blocking=False):
            threading.Thread(target=_request, args=(port, path, in_flight), daemon=True).start()
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))


def _request(port, path, in_flight):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"X-Request-Id": uuid.uuid4().hex})
        conn.getresponse().read()
        conn.close()
    except OSError:
        pass  # the server is starting or going away; the next tick tries again
    finally:
        in_flight.release()
