#pragma once
// Names one delivery: the event it comes from and where it goes. Its message id (Standard
// Webhooks' webhook-id, an EventBridge entry's idempotency key) is derived from these, so
// every retry carries the same one.
#include <string>
#include <string_view>

namespace relay::core {

struct DeliveryKey {
  std::string_view event_id;
  std::string_view route;
  std::string_view destination;
};

// "msg_" + a content id of the three parts.
std::string message_id(const DeliveryKey& key);

}  // namespace relay::core
