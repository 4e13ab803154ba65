"""Orders API: a stdlib HTTP server on $PORT (all interfaces of its pod), with its own load generator."""
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from app import handlers, loadgen
from infrastructure.db import init_schema

PORT = int(os.environ.get("PORT", "8080"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        try:
            if url.path == "/health":
                status, body = 200, b'{"status": "ok"}'
            elif url.path == "/orders/export":
                status, body = handlers.export_orders(query.get("id", ["anonymous"])[0], int(query.get("page", ["1"])[0]))
            elif url.path.startswith("/orders/") and url.path[len("/orders/"):].isdigit():
                status, body = handlers.get_order(int(url.path[len("/orders/"):]), self.headers.get("X-Request-Id"))
            else:
                status, body = 404, b'{"error": "not found"}'
        except Exception as err:
            # e.g. sqlalchemy TimeoutError once the pool is exhausted
            print(f"error: GET {url.path}: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
            status, body = 503, json.dumps({"error": str(err)}).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # the load generator would flood the log; errors are printed above


def main():
    init_schema()
    server = ThreadingHTTPServer(("", PORT), Handler)
    server.daemon_threads = True
    # SIGTERM (pod deletion) stops the accept loop; shutdown() must run off the serving thread.
    signal.signal(signal.SIGTERM, lambda s, f: threading.Thread(target=server.shutdown).start())
    loadgen.start(PORT)
    print(f"orders api listening on :{PORT} (pid {os.getpid()})", flush=True)
    server.serve_forever(poll_interval=0.5)
    print("orders api stopped", flush=True)


if __name__ == "__main__":
    main()
