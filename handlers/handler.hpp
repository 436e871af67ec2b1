#pragma once
// A handler turns one event into the body a receiver expects. Pure: no clock, no I/O, no
// logging; everything it uses comes from the event and its options.
#include "relay/core/event.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::handlers {

struct Skip {
  std::string reason;
};

// What a handler is built from: its route's name and options, and where problems with the
// options go (one "key: problem" line each).
struct HandlerArgs {
  std::string_view route;
  const boost::json::object& options;
  std::vector<std::string>& errors;
};

// A pattern every event matches (they all have a source): the default of handlers that
// take any event and are given their pattern by their route.
inline constexpr std::string_view kEveryEventPattern = R"({"source": [{"prefix": ""}]})";

class Handler {
 public:
  virtual ~Handler() = default;

  // Appends the outgoing body for `event` to `body` (empty on entry) and returns nullopt,
  // or returns why this event is not sent.
  virtual std::optional<Skip> transform(const core::Event& event, std::string& body) const = 0;

  // The EventBridge pattern this handler answers to when a route names no pattern.
  virtual std::string default_pattern() const = 0;

  virtual std::string_view content_type() const { return "application/json"; }
};

}  // namespace relay::handlers
