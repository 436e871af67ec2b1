#pragma once
// Sends deliveries from one server thread through its connection pools (one per
// destination): one attempt at a time; retries are the scheduler's (queued mode) or the
// caller's (sync mode). Coroutines that outlive a request hold it by shared_ptr.
#include <memory>
#include <vector>

#include "relay/net/http_client.hpp"
#include "relay/net/ingress.hpp"

namespace relay::net {

class Deliverer : public std::enable_shared_from_this<Deliverer> {
 public:
  // `endpoints` outlive the Deliverer. Each destination's max_concurrency is split evenly
  // among the `threads_sharing_limits` threads (rounded up).
  Deliverer(asio::io_context& io, const std::vector<Endpoint>& endpoints, std::size_t threads_sharing_limits);

  asio::io_context& io() { return io_; }

  // One attempt of `request` to the destination named `destination`.
  awaitable<AttemptResult> attempt(std::string_view destination, const pipeline::Request& request);

  // Synchronous mode: one attempt per delivery, results in the same order.
  awaitable<std::vector<SyncResult>> deliver_now(const std::vector<pipeline::Delivery>& batch);

 private:
  std::shared_ptr<ConnectionPool> pool_for(std::string_view destination) const;

  asio::io_context& io_;
  std::vector<std::shared_ptr<ConnectionPool>> pools_;
};

}  // namespace relay::net
