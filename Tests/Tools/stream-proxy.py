#!/usr/bin/env python3
"""A loopback HTTP forwarder between a ProTalent replica and its primary, for the end-to-end tests
of forged and truncated replication streams (Tests/EndToEndTests/ForgedStreamEndToEndTests.swift).

    stream-proxy.py UPSTREAM_PORT CONTROL_DIR

It listens on a port the kernel picks and writes it to CONTROL_DIR/port. Every request is forwarded
to 127.0.0.1:UPSTREAM_PORT as is; answers come back close-delimited. In the body of
GET /replication/stream it cuts the frames (a kind byte, a 4-byte little-endian length, the body)
and, for each batch frame ("B"), reads CONTROL_DIR/mode:
  pass  forwards the frame unchanged;
  flip  flips the last byte of the frame (inside the batch's payload, so its checksum fails), then
        creates CONTROL_DIR/flipped-N;
  cut   forwards the frame's header and half its body, closes the connection, then creates
        CONTROL_DIR/cut-N.
Python standard library only.
"""
import http.client
import itertools
import os
import socket
import socketserver
import sys
import threading

UPSTREAM_PORT = int(sys.argv[1])
CONTROL = sys.argv[2]
COUNTER = itertools.count(1)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade"}


def mode():
    try:
        with open(os.path.join(CONTROL, "mode")) as file:
            return file.read().strip() or "pass"
    except FileNotFoundError:
        return "pass"


def mark(name):
    path = os.path.join(CONTROL, "%s-%d" % (name, next(COUNTER)))
    with open(path, "w") as file:
        file.write(name + "\n")


def read_exactly(response, count):
    data = b""
    while len(data) < count:
        chunk = response.read(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class Forwarder(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline(65536).decode("latin-1").rstrip("\r\n")
        if not line:
            return
        method, target, _ = line.split(" ", 2)
        headers = []
        length = 0
        while True:
            header = self.rfile.readline(65536).decode("latin-1").rstrip("\r\n")
            if not header:
                break
            name, _, value = header.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
            if name.strip().lower() not in HOP_BY_HOP and name.strip().lower() != "host":
                headers.append((name.strip(), value.strip()))
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM_PORT, timeout=30)
        upstream.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers:
            upstream.putheader(name, value)
        upstream.putheader("Content-Length", str(len(body or b"")))
        upstream.endheaders(body)
        response = upstream.getresponse()
        head = "HTTP/1.1 %d %s\r\n" % (response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                head += "%s: %s\r\n" % (name, value)
        head += "Connection: close\r\n\r\n"
        self.wfile.write(head.encode("latin-1"))
        self.wfile.flush()
        try:
            if method == "GET" and target.startswith("/replication/stream") and response.status == 200:
                self.frames(response)
            else:
                self.wfile.write(response.read())
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        finally:
            upstream.close()

    def frames(self, response):
        while True:
            header = read_exactly(response, 5)
            if header is None:
                return
            size = int.from_bytes(header[1:5], "little")
            body = read_exactly(response, size)
            if body is None:
                return
            current = mode() if header[0:1] == b"B" else "pass"
            if current == "flip":
                body = body[:-1] + bytes([body[-1] ^ 0x01])
                self.wfile.write(header + body)
                self.wfile.flush()
                mark("flipped")
            elif current == "cut":
                self.wfile.write(header + body[: size // 2])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                mark("cut")
                return
            else:
                self.wfile.write(header + body)
                self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", 0), Forwarder)
    port_file = os.path.join(CONTROL, "port")
    with open(port_file + ".tmp", "w") as file:
        file.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    threading.current_thread().name = "stream-proxy"
    server.serve_forever()
