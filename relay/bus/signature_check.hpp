#pragma once
// Who may call relay's event bus: the access keys it accepts (each with the account its
// events carry), and the SigV4 check of a call (service "events", the bus's region, AWS's
// clock-skew window), refused as EventBridge refuses. Pure: `now` is an argument. Any thread.
#include "relay/aws/sigv4.hpp"
#include "relay/bus/aws_error.hpp"
#include "relay/bus/bus_settings.hpp"

#include <chrono>
#include <variant>

namespace relay::bus {

inline constexpr std::string_view kSigningService = "events";

// The key that signed `request`, or the error EventBridge answers: no Authorization header
// MissingAuthenticationTokenException, one that cannot be read IncompleteSignatureException,
// an unknown access key UnrecognizedClientException, another region or service, a signature
// that does not match, or an X-Amz-Date outside aws::kMaxClockSkew of `now`
// InvalidSignatureException ("Signature expired: ..."). All 400, as AWS JSON services answer.
std::variant<const AccessKey*, AwsError> check_signature(const aws::HttpRequest& request,
                                                         const std::vector<AccessKey>& keys,
                                                         std::string_view region,
                                                         std::chrono::system_clock::time_point now);

}  // namespace relay::bus
