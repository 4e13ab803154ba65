"""A well-behaved neighbour: answers /health on $PORT and holds steady memory (about 15 MiB).

Used for healthy sibling pods and for pods whose only job is to exist (sidecars, scale tests).
"""
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("PORT", "8080"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b'{"status": "ok"}'
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


server = ThreadingHTTPServer(("", PORT), Handler)
server.daemon_threads = True
signal.signal(signal.SIGTERM, lambda s, f: threading.Thread(target=server.shutdown).start())
print(f"idle listening on :{PORT} (pid {os.getpid()})", flush=True)
server.serve_forever(poll_interval=0.5)
