#pragma once
// Whole-request errors in the AWS JSON 1.1 protocol: {"__type": ..., "message": ...} with
// the HTTP status the real service gives, so SDKs raise the exception class named by
// __type. Pure; any thread.
#include <string>
#include <string_view>

namespace relay::bus {

inline constexpr std::string_view kAwsJsonContentType = "application/x-amz-json-1.1";

struct AwsError {
  unsigned status = 400;
  std::string type;  // "ValidationException"
  std::string message;
};

// {"__type":"ValidationException","message":"..."}
std::string error_body(const AwsError& error);

AwsError serialization_error(std::string message);  // 400 SerializationException: the body cannot be read
AwsError validation_error(std::string message);     // 400 ValidationException: a constraint of the call

}  // namespace relay::bus
