#!/usr/bin/env python3
"""Checks, before any timing, what each peer sends on: posts the sample once, captures the
request that reaches the receiver and verifies it.

Usage: check.py --capture-port PORT --secret S --body FILE [--ca PEM] NAME=URL=KIND ...
KIND is `incident` (a signed DevOps Agent incident must arrive: the signature verifies as
base64 HMAC-SHA256 over timestamp + ":" + body, eventType incident, action created, priority
HIGH, title "ECS Task Failed: <task id>"), `passthrough` (the posted body must arrive
unchanged) or `status` (only a 2xx answer is expected; nothing is captured). An https URL's
certificate must verify against --ca.
The capture receiver listens on 127.0.0.1:PORT (the sink's port, before the sink starts) and
answers `Connection: close` so that no peer keeps a connection to it.
Prints one line per peer: `NAME ok DETAIL` or `NAME fail REASON`. Exit status 0 always.
"""
import argparse
import base64
import hashlib
import hmac
import json
import queue
import re
import ssl
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

captured = queue.Queue()


class Capture(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        captured.put(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def log_message(self, format, *args):
        pass


def verify_incident(headers, body, event, secret):
    ts = headers.get("x-amzn-event-timestamp", "")
    sig = headers.get("x-amzn-event-signature", "")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", ts):
        return f"bad x-amzn-event-timestamp {ts!r}"
    age = abs(datetime.now(timezone.utc) - datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=timezone.utc))
    if age.total_seconds() > 300:
        return f"timestamp {ts} is {age} from now"
    want = base64.b64encode(hmac.new(secret.encode(), ts.encode() + b":" + body, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(want, sig):
        return f"signature {sig!r} does not verify"
    try:
        incident = json.loads(body)
    except ValueError as e:
        return f"body is not JSON: {e}"
    task_id = event["detail"]["taskArn"].split("/")[-1]
    expected = {"eventType": "incident", "action": "created", "priority": "HIGH", "title": f"ECS Task Failed: {task_id}"}
    for key, value in expected.items():
        if incident.get(key) != value:
            return f"{key} is {incident.get(key)!r}, expected {value!r}"
    if not incident.get("incidentId"):
        return "no incidentId"
    if incident.get("data", {}).get("metadata", {}).get("taskArn") != event["detail"]["taskArn"]:
        return "data.metadata.taskArn differs from the event's"
    return None


def check(name, url, kind, body, event, secret, wait, tls):
    while not captured.empty():
        captured.get_nowait()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10, context=tls) as response:
            status = response.status
    except urllib.error.HTTPError as e:
        status = e.code
    except OSError as e:
        return f"fail POST {url}: {e}"
    if not 200 <= status < 300:
        return f"fail answered {status}"
    if kind == "status":
        return f"ok answered {status}"
    try:
        headers, got = captured.get(timeout=wait)
    except queue.Empty:
        return f"fail answered {status} but nothing reached the receiver within {wait:g} s"
    if kind == "passthrough":
        return f"ok answered {status}; body forwarded unchanged" if got == body else "fail the forwarded body differs"
    problem = verify_incident(headers, got, event, secret)
    if problem:
        return f"fail {problem}"
    return f"ok answered {status}; signature verifies; {json.loads(got)['title']}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--capture-port", type=int)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--body", required=True)
    ap.add_argument("--ca", help="PEM file the https peers' certificates verify against")
    ap.add_argument("--wait", type=float, default=10, help="seconds to wait for a forwarded request")
    ap.add_argument("peers", nargs="+", help="NAME=URL=KIND")
    args = ap.parse_args()
    body = open(args.body, "rb").read()
    event = json.loads(body)
    tls = ssl.create_default_context(cafile=args.ca) if args.ca else None
    if args.capture_port:
        server = ThreadingHTTPServer(("127.0.0.1", args.capture_port), Capture)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    for spec in args.peers:
        name, url, kind = spec.split("=", 2)
        print(name, check(name, url, kind, body, event, args.secret, args.wait, tls), flush=True)
    time.sleep(0.2)  # let the last capture's connection close before the port is handed over


if __name__ == "__main__":
    main()
