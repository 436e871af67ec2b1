#pragma once
// The JSON answers of the ECS container-credentials endpoint and of EC2 instance metadata
// (.../iam/security-credentials/<role>): AccessKeyId, SecretAccessKey, Token, Expiration.
// Pure; any thread.
#include "relay/aws/credentials.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace relay::aws {

// The credentials in `body`, or why there are none (not JSON, a field missing, a Code other
// than Success, an Expiration that is not an ISO 8601 UTC time). Never quotes a secret.
std::variant<Credentials, std::string> parse_endpoint_credentials(std::string_view body);

}  // namespace relay::aws
