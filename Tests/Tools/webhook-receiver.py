#!/usr/bin/env python3
"""A webhook receiver for the alert tests: writes each POSTed body to DIR/<n>.json (n from 1),
answering 503 to the first FAIL requests (so the sender's retries are exercised), then 204.
Usage: webhook-receiver.py DIR PORT FAIL. Prints "listening on PORT" once it accepts connections.
"""
import os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIRECTORY, PORT, FAIL = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lock = threading.Lock()
seen = {"requests": 0, "stored": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            seen["requests"] += 1
            failing = seen["requests"] <= FAIL
            if not failing:
                seen["stored"] += 1
                name = os.path.join(DIRECTORY, f"{seen['stored']}.json")
                with open(name + ".tmp", "wb") as f:
                    f.write(body)
                os.rename(name + ".tmp", name)
        self.send_response(503 if failing else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print(f"listening on {PORT}", flush=True)
server.serve_forever()
