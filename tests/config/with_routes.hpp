#pragma once
// Config tests of one part (ingress.auth, ingress.oauth, ...): the part under test plus one
// destination and one route, so the rest of the file loads.
#include <optional>
#include <string>
#include <vector>

#include "relay/config/config.hpp"

namespace relay::config {

inline const std::string kRoutes = R"(
destinations:
  hook: {url: "https://hooks.example/x", secret: s3cret}
routes:
  - {name: ecs, handler: ecs_task, destinations: [hook]}
)";

inline std::optional<Config> parse_with_routes(const std::string& yaml, std::vector<std::string>& errors) {
  return parse_config(yaml + kRoutes, errors);
}

}  // namespace relay::config
