#pragma once
// The bodies relay posts to the Lambda Runtime API: function errors, the SQS partial-batch
// answer, the HTTP answer of a function URL / HTTP API, and the summary of delivered events.
// Pure; any thread.
#include "relay/pipeline/pipeline.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relay::lambda {

// Function error types relay reports (Lambda-Runtime-Function-Error-Type and errorType).
inline constexpr std::string_view kDeliveryFailed = "DeliveryFailed";
inline constexpr std::string_view kDeadlineExceeded = "DeadlineExceeded";
inline constexpr std::string_view kInvalidPayload = "InvalidPayload";
inline constexpr std::string_view kUnknownPayload = "UnknownPayload";
inline constexpr std::string_view kConfigInvalid = "ConfigInvalid";

// {"errorMessage", "errorType", "stackTrace": []}
std::string function_error(std::string_view type, std::string_view message);

// {"batchItemFailures": [{"itemIdentifier": id}, ...]}
std::string batch_item_failures(const std::vector<std::string>& message_ids);

// {"statusCode", "headers": {"content-type"[, "retry-after"]}, "body"}
std::string http_answer(unsigned status, std::string_view content_type, std::string_view body,
                        std::optional<unsigned> retry_after = std::nullopt);

// One delivery's result, as the synchronous deliverer reports it.
struct DeliveryResult {
  std::string_view destination;
  bool delivered = false;
  unsigned status = 0;  // 0: no answer
  std::string_view error;
};

// "delivery to DESTINATION failed: status N (error)" / "...: no answer (error)" for the
// first failed result; nullopt when every one was delivered.
std::optional<std::string> delivery_failure(std::span<const DeliveryResult> results);

// An event the invocation carried and what the pipeline made of it.
struct EventSummary {
  std::string id;
  std::size_t deliveries = 0;
  std::vector<pipeline::Skipped> skipped;
};

// {"delivered": N, "event_ids": [...], "skipped": [{"event_id", "route", "handler", "reason"}]};
// an event with neither deliveries nor skips is listed as matching no route.
std::string delivered_answer(std::span<const EventSummary> events);

}  // namespace relay::lambda
