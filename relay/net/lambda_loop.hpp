#pragma once
// `relay lambda`: relay as an AWS Lambda custom runtime. Takes invocations from the Runtime
// API one at a time and answers each: events (a CloudWatch alarm action, an EventBridge
// event) are delivered at once, an SQS batch message by message (the failed ones reported
// in batchItemFailures), an HTTP event (function URL, HTTP API payload 2.0) as `relay serve
// --sync` answers the same request. A failed delivery fails the invocation (errorType
// DeliveryFailed), so Lambda's retries and dead-letter queue apply. Each invocation's
// deliveries end by its deadline. Runs on the calling thread.
#include <string>

#include "relay/config/config.hpp"

namespace relay::net {

// Serves invocations from the Runtime API at `runtime_api` ("host:port") until it goes
// away, which is logged; returns the exit code (1). A config whose destinations or doors
// cannot be set up is reported as an init error.
int run_lambda(const config::Config& config, const std::string& runtime_api);

// Reports to the Runtime API that initialisation failed with `problems` (one per line),
// as errorType ConfigInvalid; returns the exit code (1).
int fail_lambda_init(const std::string& runtime_api, const std::string& problems);

}  // namespace relay::net
