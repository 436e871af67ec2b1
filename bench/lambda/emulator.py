"""A minimal AWS Lambda Runtime API (2018-06-01) on 127.0.0.1 for the benchmark: hands out the
invocations queued with invoke() to GET /runtime/invocation/next (with the request id, deadline,
function ARN and trace id headers) and records, with time.perf_counter_ns() stamps, when each
`next` arrived, when each invocation was handed out and when its answer (response or error)
came back, and any /runtime/init/error. Python standard library only."""
import json
import queue
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:relay-bench"


class Invocation:
    def __init__(self, payload, budget_ms):
        self.request_id = str(uuid.uuid4())
        self.payload = payload
        self.budget_ms = budget_ms
        self.handed_out_ns = None
        self.answered_ns = None
        self.error = False
        self.answer = b""
        self.error_type = ""
        self.done = threading.Event()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a runtime stopped mid-request
            super().handle_error(request, client_address)


class RuntimeApi:
    def __init__(self):
        self.pending = queue.Queue()
        self.by_id = {}
        self.next_calls_ns = []  # when each GET next arrived
        self.init_error = None
        self.first_next = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, as Lambda's API sends them

            def log_message(self, *args):
                pass

            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def do_GET(self):
                if self.path != PREFIX + "/invocation/next":
                    return self.reply(404, b'{"errorMessage":"unknown path"}')
                api.next_calls_ns.append(time.perf_counter_ns())
                api.first_next.set()
                invocation = api.pending.get()
                if invocation is None:  # shutting down: the runtime's `next` never returns
                    self.close_connection = True
                    return
                deadline_ms = int(time.time() * 1000) + invocation.budget_ms
                self.reply(200, invocation.payload, [
                    ("Content-Type", "application/json"),
                    ("Lambda-Runtime-Aws-Request-Id", invocation.request_id),
                    ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
                    ("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN),
                    ("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0"),
                ])
                invocation.handed_out_ns = time.perf_counter_ns()

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                now = time.perf_counter_ns()
                if self.path == PREFIX + "/init/error":
                    api.init_error = body.decode(errors="replace")
                    api.first_next.set()
                    return self.reply(202, b'{"status":"OK"}')
                parts = self.path[len(PREFIX):].split("/")  # ["", "invocation", id, "response"|"error"]
                invocation = api.by_id.get(parts[2]) if len(parts) == 4 else None
                if invocation is None or parts[3] not in ("response", "error"):
                    return self.reply(404, b'{"errorMessage":"unknown request id or path"}')
                invocation.answered_ns = now
                invocation.error = parts[3] == "error"
                invocation.answer = body
                invocation.error_type = self.headers.get("Lambda-Runtime-Function-Error-Type", "")
                self.reply(202, b'{"status":"OK"}')
                invocation.done.set()

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self):
        return "127.0.0.1:%d" % self.server.server_address[1]

    def invoke(self, payload, budget_ms=30000):
        invocation = Invocation(payload, budget_ms)
        self.by_id[invocation.request_id] = invocation
        self.pending.put(invocation)
        return invocation

    def close(self):
        self.pending.put(None)
        self.server.shutdown()
        self.server.server_close()


def error_summary(invocation):
    try:
        return json.loads(invocation.answer).get("errorMessage", "")[:200]
    except ValueError:
        return invocation.answer[:200].decode(errors="replace")
