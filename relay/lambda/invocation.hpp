#pragma once
// What a Lambda invocation payload is, by its shape, and what is inside the shapes relay
// takes apart itself (SQS batches, HTTP events). Pure; any thread.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::lambda {

enum class Shape {
  alarm_action,       // a CloudWatch alarm's Lambda action: {source, alarmArn, alarmData, ...}
  eventbridge_event,  // an EventBridge rule target: the envelope
  event_list,         // a JSON array of envelopes or alarm actions (a direct invoke)
  sqs_batch,          // {"Records": [{"eventSource": "aws:sqs", "messageId", "body"}, ...]}
  http_event,         // a function URL / API Gateway HTTP API request, payload format 2.0
  unknown,
};

Shape classify(const boost::json::value& payload);
std::string_view shape_name(Shape shape);

struct SqsMessage {
  std::string message_id;
  std::string body;  // the message as sent: an EventBridge event for EventBridge -> SQS
};

// The messages of a payload classify() calls sqs_batch, in order.
std::vector<SqsMessage> sqs_messages(const boost::json::object& payload);

struct HttpEvent {
  std::string method;
  std::string target;                          // path, and "?query" when there is one
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                            // decoded when it came base64-encoded

  std::string_view header(std::string_view name) const;  // "" when absent
};

// The request in a payload classify() calls http_event, or why it cannot be read
// (a body marked base64 that is not).
std::variant<HttpEvent, std::string> http_event(const boost::json::object& payload);

// A short account of a payload for an error message: its JSON type and, for an object,
// its top-level keys (at most 10, each at most 40 characters).
std::string describe_payload(const boost::json::value& payload);

}  // namespace relay::lambda
