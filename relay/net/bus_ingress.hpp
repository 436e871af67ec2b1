#pragma once
// relay as an event bus: what it answers to POST / with X-Amz-Target AWSEvents.PutEvents or
// AWSEvents.TestEventPattern (AWS JSON 1.1), as plain functions of the request. No sockets:
// the server reads the request, calls `admit`, commits or delivers the admitted events
// like /events ones, then turns the outcome into the answer with the functions below.
#include "relay/aws/sigv4.hpp"
#include "relay/bus/bus_settings.hpp"
#include "relay/bus/put_events.hpp"
#include "relay/net/ingress.hpp"
#include "relay/pattern/limits.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::net {

// The bus's path: "/" (with any query).
bool is_bus_target(std::string_view target);

// Accepted PutEvents entries as events for the intake or the deliverer, and every entry's
// result so far (refused entries their error, accepted ones their event id).
struct BusAdmitted {
  Admitted admitted;
  std::vector<bus::EntryResult> results;
  std::vector<std::size_t> entry_of_event;  // admitted.events[i] is entry entry_of_event[i]
};

// One per server thread (it keeps the decoder's parser between requests).
class BusIngress {
 public:
  // With settings.credentials, calls must carry SigV4 from one of them; without, `auth`
  // (ingress.auth) judges them.
  BusIngress(const pipeline::Pipeline& pipeline, const IngressAuthenticator& auth, const bus::BusSettings& settings,
             pattern::Limits limits);

  // The answer (every TestEventPattern, and refused calls), or the admitted entries.
  std::variant<Answer, BusAdmitted> admit(const aws::HttpRequest& request, std::chrono::system_clock::time_point now);

 private:
  // The caller's account, or the refusal.
  std::variant<std::string_view, Answer> authenticate(const aws::HttpRequest& request,
                                                      std::chrono::system_clock::time_point now) const;
  std::variant<Answer, BusAdmitted> put_events(const aws::HttpRequest& request, std::string_view account,
                                               std::chrono::system_clock::time_point now);

  const pipeline::Pipeline& pipeline_;
  const IngressAuthenticator& auth_;
  const bus::BusSettings& settings_;
  pattern::Limits limits_;
  core::EventDecoder decoder_;
};

// An AWS JSON 1.1 answer: 200 with `body`, or the error's status and {"__type", "message"}.
Answer bus_answer(std::string body);
Answer bus_error_answer(const bus::AwsError& error);

// The answer once the intake answered `intake` (202: committed): the entries' results, or
// 429 as ThrottlingException and 503 as ServiceUnavailable (with Retry-After), nothing stored.
Answer bus_queued_answer(const BusAdmitted& admitted, const Answer& intake);

// The answer once deliveries were tried (synchronous mode): an entry with a failed
// delivery is InternalFailure naming the destination and its status (0: no answer).
Answer bus_sync_answer(const BusAdmitted& admitted, const std::vector<SyncResult>& results);

// 503 ServiceUnavailable with Retry-After: relay is shutting down.
Answer bus_shutting_down_answer();

// A new x-amzn-RequestId (a random UUID).
std::string new_request_id();

}  // namespace relay::net
