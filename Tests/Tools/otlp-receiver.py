#!/usr/bin/env python3
"""Test-only OTLP/HTTP trace receiver on loopback (the tracing tests start it).

Usage: otlp-receiver.py OUTPUT_FILE
Listens on 127.0.0.1 at a port the kernel picks, writes "listening on PORT" to stdout, then for each
POST /v1/traces (protobuf ExportTraceServiceRequest, decoded with PyPI's opentelemetry-proto)
appends one JSON line per span to OUTPUT_FILE: trace_id, span_id, parent_span_id (hex), name, kind,
service name, attributes, start and end times, event names and times (nanoseconds since 1970) and links. Stops on SIGTERM.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

OUTPUT = sys.argv[1]


def value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/traces":
            self.send_response(404)
            self.end_headers()
            return
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        lines = []
        for resource_spans in request.resource_spans:
            resource = {a.key: value(a.value) for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    lines.append(json.dumps({
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "name": span.name,
                        "kind": span.kind,
                        "service": resource.get("service.name"),
                        "attributes": {a.key: value(a.value) for a in span.attributes},
                        "start": span.start_time_unix_nano,
                        "end": span.end_time_unix_nano,
                        "events": [event.name for event in span.events],
                        "event_times": [event.time_unix_nano for event in span.events],
                        "links": [{"trace_id": l.trace_id.hex(), "span_id": l.span_id.hex()} for l in span.links],
                    }))
        with open(OUTPUT, "a") as output:
            for line in lines:
                output.write(line + "\n")
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Receiver)
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
