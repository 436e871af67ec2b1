#pragma once
// What the relay answers to a request on its ingress, as plain functions of the request:
// authenticate, check the route and the content type, decode, run the pipeline. No
// sockets: the server only reads, calls `admit`, hands the deliveries on, and writes.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "relay/core/event.hpp"
#include "relay/net/ingress_auth.hpp"
#include "relay/store/outbox.hpp"
#include "relay/pipeline/pipeline.hpp"

namespace relay::net {

inline constexpr std::string_view kEventsPath = "/events";

struct IngressRequest {
  std::string_view method;
  std::string_view target;
  std::string_view content_type;
  Credentials credentials;
  std::string_view body;
  // Any request header by lower-case name (empty when absent): routes that ask for headers,
  // and the api key of a route with its own door. May be empty.
  std::function<std::string_view(std::string_view)> header;
};

// Routes with their own door (request.auth in the config): POST /events/<route> is
// authenticated with the route's authenticator instead of the listener's.
using RouteDoors = std::map<std::string, IngressAuthenticator, std::less<>>;

// A complete answer: status, JSON body, and Retry-After seconds for 429 and 503.
struct Answer {
  unsigned status = 200;
  std::string body;
  std::optional<unsigned> retry_after;
  std::string_view content_type = "application/json";
  std::string etag;  // sent as ETag when not empty
  std::vector<std::pair<std::string, std::string>> headers;  // more, e.g. the console's Set-Cookie
};

struct AdmittedEvent {
  std::string id;
  std::string source;
  std::string detail_type;
  std::size_t deliveries = 0;  // how many of Admitted::deliveries, in order, come from it
};

// Events that passed every check, and what the pipeline made of them.
struct Admitted {
  std::vector<AdmittedEvent> events;
  std::vector<pipeline::Delivery> deliveries;

  std::vector<std::string> event_ids() const;
};

// Runs `event` (an envelope EventDecoder made) through `pipeline` into `outcome` and records
// it, with how many deliveries it made, in `admitted`. The caller moves outcome.deliveries
// into admitted.deliveries once every event of the request is in.
void admit_event(const pipeline::Pipeline& pipeline, const boost::json::value& event,
                 const pipeline::RequestScope& scope, pipeline::Outcome& outcome, Admitted& admitted);

// One per server thread (it keeps the decoder's parser between requests).
class Ingress {
 public:
  // A body with more than `max_events` events is refused (413) whole.
  Ingress(const pipeline::Pipeline& pipeline, const IngressAuthenticator& auth, const RouteDoors* doors = nullptr,
          std::size_t max_events = 100);

  // The refusal a request earns by its head alone (path, method, and but for
  // hmac-timestamp, which signs the body, authentication and content type), before its
  // body is read; nullopt when it may go on. `request.body` is not looked at; `now` judges
  // a JWT's validity window.
  std::optional<Answer> screen(const IngressRequest& request, std::chrono::system_clock::time_point now = {}) const;

  // The answer when the request is refused, or the admitted events; `now` checks
  // hmac-timestamp tolerance.
  std::variant<Answer, Admitted> admit(const IngressRequest& request, std::chrono::system_clock::time_point now);

 private:
  // The route named by the path ("" for /events) and the authenticator of its door, or the refusal.
  struct Door {
    std::string_view route;
    const IngressAuthenticator* auth;
  };
  std::variant<Answer, Door> door_for(const IngressRequest& request) const;
  // 401, or 503 when the credentials cannot be judged now; nullopt when they pass.
  static std::optional<Answer> auth_refusal(const Door& door, const IngressRequest& request,
                                            std::chrono::system_clock::time_point now);

  const pipeline::Pipeline& pipeline_;
  const IngressAuthenticator& auth_;
  const RouteDoors* doors_;
  std::size_t max_events_;
  core::EventDecoder decoder_;
};

// {"error": ..., "where": ...} (no "where" when empty).
Answer error_answer(unsigned status, std::string_view error, std::string_view where = {});
// 202 {"accepted": N, "event_ids": [...]}
Answer accepted_answer(const std::vector<std::string>& event_ids);
// 429 with Retry-After: the delivery backlog is full.
Answer backlog_full_answer();
// 503 with Retry-After: the relay is shutting down.
Answer shutting_down_answer();
// 503 with Retry-After: the outbox cannot be written, so nothing was acknowledged.
// The outbox could not store an accepted event: 503 with Retry-After when the fault may pass
// (unreachable, full, a conflict), else 500.
Answer store_failure_answer(store::StoreFault fault);
// Synchronous mode: 200 {"delivered": N, "event_ids": [...]} when every receiver took its
// delivery, else 502 naming the first failed destination and its status (0: no answer).
struct SyncResult {
  std::string_view destination;
  bool delivered = false;
  unsigned status = 0;
  std::string error;  // why it was not delivered
  bool attempted = false;                // false: no such destination, nothing was sent
  std::chrono::milliseconds latency{0};  // of its attempt
};
Answer sync_answer(const std::vector<std::string>& event_ids, const std::vector<SyncResult>& results);

// True for application/json and any +json media type, parameters ignored.
bool is_json_content_type(std::string_view content_type);

}  // namespace relay::net
