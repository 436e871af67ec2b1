#pragma once
// `type: webhook` (the default): each delivery is one POST of the handler's body to `url`,
// with static headers and a signature in the destination's scheme; 2xx is delivered,
// 408, 429, 5xx and no answer are retried, any other status is final.
#include "relay/destination/registry.hpp"
#include "relay/destination/webhook_signing.hpp"

namespace relay::destination {

std::unique_ptr<Destination> make_webhook(KindArgs& args);

// The seed Lambda's receiver: `transport`'s URL, signed hmac-timestamp with `secret` (a
// non-empty one).
std::unique_ptr<Destination> webhook_for(std::string name, Transport transport, std::string secret);

// Whether an answer with `status` (0: none) is delivered, worth retrying, or final.
Verdict verdict_for_status(unsigned status);

}  // namespace relay::destination
