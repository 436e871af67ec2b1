"""A minimal Python runtime for Lambda's Runtime API (2018-06-01), as small as one can be: it
imports the handler named by _HANDLER ("module.function", from LAMBDA_TASK_ROOT), reports an
import failure to /runtime/init/error, then loops on /invocation/next, calling the handler and
posting its result to .../response or its exception to .../error. AWS's own Python runtime
(awslambdaric) does more per invocation (logging set-up, X-Ray context), so this is a lower
bound for Python. Standard library only; exits when the Runtime API goes away."""
import http.client
import importlib
import json
import os
import sys

API = os.environ["AWS_LAMBDA_RUNTIME_API"]
PREFIX = "/2018-06-01/runtime"
connection = http.client.HTTPConnection(API)


def call(method, path, body=None, headers=None):
    connection.request(method, PREFIX + path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response, response.read()


def error_body(error):
    return json.dumps({"errorMessage": str(error), "errorType": type(error).__name__})


class Context:
    def __init__(self, response):
        self.aws_request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = response.getheader("Lambda-Runtime-Invoked-Function-Arn")
        self.deadline_ms = int(response.getheader("Lambda-Runtime-Deadline-Ms"))


def main():
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", os.path.dirname(os.path.abspath(__file__))))
    module_name, function_name = os.environ["_HANDLER"].rsplit(".", 1)
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as error:  # the handler module's own failures, as Lambda reports them
        call("POST", "/init/error", error_body(error), {"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"})
        return 1
    while True:
        try:
            response, body = call("GET", "/invocation/next")
        except (OSError, http.client.HTTPException):
            return 1
        context = Context(response)
        try:
            result = handler(json.loads(body), context)
        except Exception as error:
            call("POST", f"/invocation/{context.aws_request_id}/error", error_body(error),
                 {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
            continue
        call("POST", f"/invocation/{context.aws_request_id}/response", json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())
