#pragma once
// Routes events: match every route's pattern at once, run each matching route's handler
// once, and hand its body to each of the route's destinations. Pure: nothing here signs or
// sends anything (destinations sign each request when it is sent).
#include "relay/core/delivery_key.hpp"
#include "relay/core/event.hpp"
#include "relay/destination/destination_set.hpp"
#include "relay/pattern/limits.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pipeline {

struct RouteSpec {
  std::string name;
  std::string handler;
  boost::json::object options;
  std::optional<boost::json::value> pattern;  // the handler's default pattern when absent
  std::vector<std::string> destinations;
  std::vector<destination::Header> request_headers;  // the request must carry these (names lower case)
  bool own_path = false;                // reached only through /events/<name>, not /events
  std::string event_bus;                // only events on this bus (request.event_bus); empty: any bus
};

// The request an event came in: which route its path names (/events/<route>; empty for
// /events), its headers (lower-case name -> value, empty when absent), and the event bus it
// was put on (PutEvents' EventBusName; events posted to /events are on "default").
struct RequestScope {
  std::string_view route;
  std::function<std::string_view(std::string_view name)> header;
  std::string_view event_bus = "default";
};

using core::DeliveryKey;
using core::message_id;

// One delivery an event made: an unsigned body for one destination.
struct Delivery {
  std::string_view route;
  std::string_view handler;
  std::string_view destination;
  std::string_view content_type;
  std::string body;
};

struct Skipped {
  std::string_view route;
  std::string_view handler;
  std::string reason;
};

struct Outcome {
  std::vector<Delivery> deliveries;
  std::vector<Skipped> skipped;
};

class Pipeline {
 public:
  // Builds from validated specs; on failure fills `errors` with one "path: problem" line
  // per problem (paths like `routes[2].pattern.detail`, or `routes[1].destinations[0]` for
  // a destination that is unknown or cannot take the route's bodies) and returns nullptr.
  static std::unique_ptr<Pipeline> build(std::shared_ptr<const destination::DestinationSet> destinations,
                                         std::vector<RouteSpec> routes, std::vector<std::string>& errors,
                                         pattern::Limits limits = {});
  ~Pipeline();

  // Appends to `out` what every matching route makes of `envelope` (a value EventDecoder
  // produced). Routes the request scope rules out are not considered: another route's
  // path, an own-path route reached through /events, headers the route asks for and the
  // request lacks.
  void process(const boost::json::value& envelope, Outcome& out, const RequestScope& scope = {}) const;

  bool has_route(std::string_view name) const;
  // The handler of the route `name`; empty when there is no such route.
  std::string_view handler_of(std::string_view route) const;

  const destination::DestinationSet& destinations() const;

 private:
  struct Impl;
  explicit Pipeline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The seed Lambda's routes: every built-in handler meant for it, with its default pattern
// and options, to the destination `destination`.
std::vector<RouteSpec> zero_config_routes(std::string_view destination);

}  // namespace relay::pipeline
