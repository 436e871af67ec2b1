#pragma once
// A destination: where a route's deliveries go, and how. Each kind (webhook, eventbridge)
// owns its config, how it turns one delivery or a batch of them into an HTTP request, how
// it signs that request (at send time only), and what an answer means for each delivery.
// Pure: no sockets, clocks or threads; the send time and any credentials are arguments.
// Built once at config load, then read-only: any thread may call it.
#include "relay/aws/credentials.hpp"
#include "relay/core/delivery_key.hpp"
#include "relay/destination/header.hpp"
#include "relay/destination/transport.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::destination {

// One delivery as the pipeline made it. Its body is not signed: that happens per request.
struct Item {
  core::DeliveryKey key;           // event id, route, destination: the same for every retry
  std::string_view handler;        // the route's handler; empty when the route is gone
  std::string_view content_type;   // the handler's
  std::string_view body;
};

// What a request is signed with, besides its bytes.
struct SendContext {
  std::chrono::system_clock::time_point now;  // the signing time
  // Set for kinds whose aws_credentials() is non-null, once they are resolved.
  const aws::Credentials* credentials = nullptr;
};

// One HTTP request to the destination's transport().url (its host and target).
struct Request {
  std::string method = "POST";
  std::string url;  // as it may be printed (a URL kept secret is redacted)
  std::vector<Header> headers;
  std::string body;
};

// What came back for one request.
struct Answer {
  unsigned status = 0;     // the final status; 0: no answer
  std::string_view error;  // why there is no answer
  std::string_view body;   // its first transport().max_answer_bytes
};

enum class Verdict { delivered, retry, dead };

// What an answer means for one of the request's items. The retry schedule and Retry-After
// are applied by the caller: `retry` on an exhausted schedule is a dead letter.
struct ItemOutcome {
  Verdict verdict = Verdict::delivered;
  std::string error;     // for the delivery log: an error code and message, empty when none
  std::string response;  // the part of the answer that concerns this item (an excerpt)
};

// How items are grouped into one request: at most `max_items`, at most `max_bytes` by
// measure(), sent when full or `flush_after` after the first item waits.
struct Batching {
  std::size_t max_items = 1;
  std::size_t max_bytes = static_cast<std::size_t>(-1);
  std::chrono::milliseconds flush_after{0};
};

class Destination {
 public:
  Destination(std::string name, Transport transport) : name_(std::move(name)), transport_(std::move(transport)) {}
  virtual ~Destination() = default;

  const std::string& name() const { return name_; }
  const Transport& transport() const { return transport_; }

  virtual std::string_view kind() const = 0;
  virtual Batching batching() const { return {}; }

  // Why a route with `handler` (whose bodies are `content_type`) cannot send here, checked
  // at config load; nullopt when it can.
  virtual std::optional<std::string> refuses_route(std::string_view handler, std::string_view content_type) const {
    (void)handler;
    (void)content_type;
    return std::nullopt;
  }

  // The item's size toward Batching::max_bytes, or why it can never be sent (it becomes a
  // dead letter with that reason).
  virtual std::variant<std::size_t, std::string> measure(const Item& item) const { return item.body.size(); }

  // The signed request for 1..batching().max_items items that measure() accepted.
  virtual Request request(std::span<const Item> items, const SendContext& context) const = 0;

  // One outcome per item, in order.
  virtual std::vector<ItemOutcome> classify(const Answer& answer, std::size_t items) const = 0;

  // The AWS credentials requests must be signed with; nullptr for kinds that need none.
  virtual const aws::CredentialSource* aws_credentials() const { return nullptr; }

 private:
  std::string name_;
  Transport transport_;
};

}  // namespace relay::destination
