#include "relay/core/delivery_key.hpp"

#include "relay/core/content_id.hpp"

namespace relay::core {

std::string message_id(const DeliveryKey& key) {
  return "msg_" + content_id({key.event_id, key.route, key.destination});
}

}  // namespace relay::core
