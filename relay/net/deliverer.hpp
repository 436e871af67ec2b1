#pragma once
// Sends deliveries from one server thread through its connection pools (one per
// destination): one request at a time per call, built and signed by the destination at
// send time; retries are the scheduler's (queued mode) or the caller's (sync mode).
// Coroutines that outlive a request hold it by shared_ptr. Run on the io_context's thread.
#include <memory>
#include <span>
#include <vector>

#include "relay/net/http_client.hpp"
#include "relay/net/ingress.hpp"

namespace relay::net {

// One request's attempt and what it means for each of its items.
struct SendResult {
  bool postponed = false;  // nothing was sent: the destination's credentials are unavailable (attempt.error says why)
  AttemptResult attempt;
  std::vector<destination::ItemOutcome> outcomes;  // one per item, in order
};

class Deliverer : public std::enable_shared_from_this<Deliverer> {
 public:
  // `endpoints` outlive the Deliverer. Each destination's max_concurrency is split evenly
  // among the `threads_sharing_limits` threads (rounded up).
  Deliverer(asio::io_context& io, const std::vector<Endpoint>& endpoints, std::size_t threads_sharing_limits);

  asio::io_context& io() { return io_; }

  // One request carrying `items` (1 to the destination's batching().max_items, each accepted
  // by measure(), all to `destination`), signed once the destination's rate limit lets it go. `items` and what they view must
  // outlive the call.
  awaitable<SendResult> send(const destination::Destination& destination, std::span<const destination::Item> items);

  // Synchronous mode: every delivery of `admitted` sent at once (batched per destination
  // where the destination batches), results in the deliveries' order.
  awaitable<std::vector<SyncResult>> deliver_now(const Admitted& admitted);

 private:
  std::shared_ptr<ConnectionPool> pool_for(std::string_view destination) const;

  asio::io_context& io_;
  std::vector<std::shared_ptr<ConnectionPool>> pools_;
};

}  // namespace relay::net
