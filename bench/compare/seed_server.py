#!/usr/bin/env python3
"""The seed's approach as a service: the ECS Lambda's handler logic (seeds/001, "EventBridge
based Investigation") behind Python's standard http.server (ThreadingHTTPServer).

Each POST is parsed, turned into the seed's incident, json.dumps'd, signed (base64 HMAC-SHA256
over `timestamp:payload`) and POSTed to WEBHOOK_URL before answering: 200 when the receiver
answered 200 or 202, 502 otherwise. Outbound: urllib3 (as the seed) when installed, else one
http.client keep-alive connection per server thread.

Usage: WEBHOOK_URL=... WEBHOOK_SECRET=... seed_server.py PORT

Departures from the Lambda, none of them costing it speed: no print of every event and
response (Lambda sends those to CloudWatch Logs); HTTP/1.1 keep-alive on ingress (http.server
defaults to HTTP/1.0, one connection per request); a listen backlog of 128 (default 5) and
TCP_NODELAY; a urllib3 pool of 64 connections (the seed's PoolManager() keeps one).
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/pipeline"))
from seed_lambda import ecs_payload  # noqa: E402

WEBHOOK_URL = os.environ.get("WEBHOOK_URL")
WEBHOOK_SECRET = os.environ.get("WEBHOOK_SECRET")
if not WEBHOOK_URL or not WEBHOOK_SECRET:
    raise ValueError("WEBHOOK_URL and WEBHOOK_SECRET environment variables must be set")

try:
    import urllib3

    _pool = urllib3.PoolManager(maxsize=64)

    def post(body, headers):
        return _pool.request("POST", WEBHOOK_URL, body=body, headers=headers).status

    CLIENT = "urllib3 " + urllib3.__version__
except ImportError:  # the stdlib fallback: a keep-alive connection per thread
    import http.client

    _target = urlsplit(WEBHOOK_URL)
    _local = threading.local()

    def post(body, headers):
        for attempt in range(2):  # once more on a connection the receiver closed
            conn = getattr(_local, "conn", None)
            if conn is None:
                conn = _local.conn = http.client.HTTPConnection(_target.hostname, _target.port or 80, timeout=30)
            try:
                conn.request("POST", _target.path or "/", body=body.encode("utf-8"), headers=headers)
                response = conn.getresponse()
                response.read()
                if response.will_close:
                    conn.close()
                    _local.conn = None
                return response.status
            except (http.client.HTTPException, OSError):
                conn.close()
                _local.conn = None
                if attempt:
                    raise

    CLIENT = "http.client"


def lambda_handler(event, context):
    """The seed's ECS handler (its payload logic is the tests' copy of the seed, verbatim),
    without its prints. Returns the receiver's status."""
    payload_json = ecs_payload(event)
    event_timestamp = datetime.utcnow().strftime('%Y-%m-%dT%H:%M:%S.000Z')
    signature_string = f"{event_timestamp}:{payload_json}"
    signature = hmac.new(
        WEBHOOK_SECRET.encode('utf-8'),
        signature_string.encode('utf-8'),
        hashlib.sha256
    ).digest()
    signature_b64 = base64.b64encode(signature).decode('utf-8')

    headers = {
        'Content-Type': 'application/json',
        'x-amzn-event-timestamp': event_timestamp,
        'x-amzn-event-signature': signature_b64
    }
    return post(payload_json, headers)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            status = lambda_handler(json.loads(body), None)
            ok = status in (200, 202)
            answer = b'"Investigation triggered successfully"' if ok else b'"Webhook failed"'
        except Exception as e:  # the Lambda would raise; a service answers 502
            ok, answer = False, json.dumps(f"Error: {e}").encode()
        self.send_response(200 if ok else 502)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        if self.close_connection:  # the caller sent `Connection: close` (EventBridge does)
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


if __name__ == "__main__":
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    print(f"seed_server: listening on http://127.0.0.1:{server.server_port} ({CLIENT})", file=sys.stderr, flush=True)
    server.serve_forever()
