#pragma once
// Reading what EventBridge answers: a PutEvents result (one result per entry, in order) or
// an AWS JSON 1.1 error. Pure; any thread.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::destination {

struct EntryResult {
  std::string event_id;       // set when the entry was accepted
  std::string error_code;     // set when it was not
  std::string error_message;
  std::string json;           // the entry's result as sent (compact)
};

// The Entries of a PutEvents answer to `sent` entries, or why the body is not one.
std::variant<std::vector<EntryResult>, std::string> parse_put_events_answer(std::string_view body, std::size_t sent);

struct AwsError {
  std::string type;  // "ThrottlingException"; empty when the body names none
  std::string message;
};

// The error an AWS JSON answer's body names: __type (or code) without a namespace
// ("com.amazonaws.events#X") or suffix ("X:http://..."), and message (or Message).
AwsError parse_aws_error(std::string_view body);

}  // namespace relay::destination
