#pragma once
// Routes events: match every route's pattern at once, run each matching route's handler
// once, sign the body for each of the route's destinations. Pure: the signing time is an
// argument; nothing here sends anything.
#include "relay/core/delivery_key.hpp"
#include "relay/core/event.hpp"
#include "relay/pattern/limits.hpp"
#include "relay/pipeline/signer.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pipeline {

struct DestinationSpec {
  std::string name;
  std::string url;
  SigningScheme scheme = SigningScheme::hmac_timestamp;
  std::vector<std::string> secrets;  // resolved; the current one first, then older ones in rotation
  std::vector<Header> headers;       // static extra headers
  std::string shown_url;             // how `url` may be printed when it is a secret (env:, file:); empty: url itself
};

struct RouteSpec {
  std::string name;
  std::string handler;
  boost::json::object options;
  std::optional<boost::json::value> pattern;  // the handler's default pattern when absent
  std::vector<std::string> destinations;
  std::vector<Header> request_headers;  // the request must carry these (names lower case)
  bool own_path = false;                // reached only through /events/<name>, not /events
};

// The request an event came in: which route its path names (/events/<route>; empty for
// /events) and its headers (lower-case name -> value, empty when absent).
struct RequestScope {
  std::string_view route;
  std::function<std::string_view(std::string_view name)> header;
};

using core::DeliveryKey;
using core::message_id;

struct Request {
  std::string method;
  std::string url;  // as it may be printed (the destination's shown_url); the client sends to its parsed URL
  std::vector<Header> headers;
  std::string body;
};

struct Delivery {
  std::string_view route;
  std::string_view handler;
  std::string_view destination;
  std::string_view content_type;
  Request request;
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
  // per problem (paths like `routes[2].pattern.detail`, or `destinations.hook.secret` for a
  // signing scheme without a usable secret) and returns nullptr.
  static std::unique_ptr<Pipeline> build(std::vector<DestinationSpec> destinations, std::vector<RouteSpec> routes,
                                         std::vector<std::string>& errors, pattern::Limits limits = {});
  ~Pipeline();

  // Appends to `out` what every matching route makes of `envelope` (a value EventDecoder
  // produced), signed at `signing_time`. Routes the request scope rules out are not
  // considered: another route's path, an own-path route reached through /events, headers
  // the route asks for and the request lacks.
  void process(const boost::json::value& envelope, std::string_view signing_time, Outcome& out,
               const RequestScope& scope = {}) const;

  bool has_route(std::string_view name) const;

  // The signed request for a body made earlier (a stored delivery being sent again):
  // the destination's URL, static headers and signature at `signing_time`. nullopt when
  // no destination has that name any more.
  std::optional<Request> request_for(const DeliveryKey& key, std::string_view content_type, std::string body,
                                     std::string_view signing_time) const;

 private:
  struct Impl;
  explicit Pipeline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The seed Lambda's set-up: every built-in handler meant for it, routed with its default
// pattern and options to one hmac-timestamp destination named "webhook".
void zero_config(std::string url, std::string secret, std::vector<DestinationSpec>& destinations,
                 std::vector<RouteSpec>& routes);

}  // namespace relay::pipeline
