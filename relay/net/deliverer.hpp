#pragma once
// Sends deliveries from one server thread: queued (each delivery retried per its
// destination's policy, then settled in the outbox) or at once (one attempt, the caller
// answers with the result). Coroutines that outlive a request hold it by shared_ptr.
#include <memory>
#include <random>
#include <vector>

#include "relay/net/http_client.hpp"
#include "relay/net/ingress.hpp"
#include "relay/net/outbox.hpp"

namespace relay::net {

class Deliverer : public std::enable_shared_from_this<Deliverer> {
 public:
  // `endpoints` and `outbox` outlive the Deliverer. Each destination's max_concurrency is
  // split evenly among the `threads_sharing_limits` threads (rounded up).
  Deliverer(asio::io_context& io, const std::vector<Endpoint>& endpoints, Outbox& outbox,
            std::size_t threads_sharing_limits, std::uint64_t seed);

  // Queued mode: `batch` is already in the outbox; sends each delivery in the background.
  void enqueue(std::vector<pipeline::Delivery> batch);

  // Synchronous mode: one attempt per delivery, results in the same order.
  awaitable<std::vector<SyncResult>> deliver_now(const std::vector<pipeline::Delivery>& batch);

 private:
  static awaitable<void> deliver_with_retries(std::shared_ptr<Deliverer> self, pipeline::Delivery delivery);
  std::shared_ptr<ConnectionPool> pool_for(std::string_view destination) const;

  asio::io_context& io_;
  Outbox& outbox_;
  std::vector<std::shared_ptr<ConnectionPool>> pools_;
  std::mt19937_64 random_;
};

}  // namespace relay::net
