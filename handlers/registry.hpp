#pragma once
// The one explicit list of built-in handlers. Adding a handler: a new file pair and one
// line in registry.cpp.
#include "handlers/handler.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relay::handlers {

struct HandlerInfo {
  std::string_view name;
  bool zero_config;  // routed to WEBHOOK_URL when relay runs without a config file
  // Builds the handler for a route, appending one "key: problem" line per bad option.
  std::unique_ptr<Handler> (*make)(const HandlerArgs& args);
};

std::span<const HandlerInfo> builtin_handlers();

// nullptr when no built-in handler has that name.
const HandlerInfo* find_handler(std::string_view name);

}  // namespace relay::handlers
