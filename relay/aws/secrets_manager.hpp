#pragma once
// AWS Secrets Manager's GetSecretValue, as relay calls it (JSON 1.1 protocol): the endpoint,
// the headers and body of the call, and what an answer means (SecretString, the bytes of
// SecretBinary, or the {"__type", "message"} of an error). Pure; any thread.
#include "relay/config/secret_ref.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace relay::aws {

// https://secretsmanager.REGION.amazonaws.com (.amazonaws.com.cn in China).
std::string secrets_manager_endpoint_for(std::string_view region);

// X-Amz-Target and Content-Type of the call (Host and the signature are the caller's).
std::vector<std::pair<std::string, std::string>> get_secret_value_headers();
// {"SecretId": id}, POSTed to the endpoint's "/".
std::string get_secret_value_body(std::string_view secret_id);

// The secret's value from a 200 answer, or why there is none: "not found", "access denied"
// and the like with the error's type and message, else the status and what was missing.
// Never quotes a secret.
std::variant<std::string, config::SecretError> parse_get_secret_value_answer(unsigned status, std::string_view body);

}  // namespace relay::aws
