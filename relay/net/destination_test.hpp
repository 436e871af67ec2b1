#pragma once
// Sending a test event to a destination (as DevRamps does on connect): an EventBridge-shaped
// event from source "relay", signed like every delivery to it, one attempt, no retry.
#include <optional>
#include <string>
#include <string_view>

#include "relay/net/admin_api.hpp"
#include "relay/net/deliverer.hpp"

namespace relay::net {

// {"version": "0", "id": ID, "detail-type": "relay test event", "source": "relay", ...}
std::string test_event(std::string_view id, std::string_view destination, std::chrono::system_clock::time_point now);

// The receiver's answer; nullopt when no destination has that name.
awaitable<std::optional<TestAttempt>> send_test_event(std::shared_ptr<Deliverer> sender,
                                                      const pipeline::Pipeline& pipeline, std::string destination);

// `relay destinations test`: one attempt from an io_context of its own. Blocks.
std::optional<TestAttempt> test_destination(const config::Config& config, const std::string& destination);

}  // namespace relay::net
