#pragma once
// ingress.oauth: relay as the authorization endpoint of EventBridge OAuth connections.
#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "relay/oauth/settings.hpp"

namespace relay::config {

// Reads and validates the mapping at ingress.oauth; problems go to `errors` with their paths.
oauth::Settings read_oauth(const boost::json::object& o, std::vector<std::string>& errors);

}  // namespace relay::config
