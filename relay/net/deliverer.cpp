#include "relay/net/deliverer.hpp"

#include <stdexcept>

#include "relay/net/log.hpp"
#include "relay/net/retry.hpp"

namespace relay::net {

namespace {

std::string describe(const AttemptResult& r) { return r.status ? "status " + std::to_string(r.status) : r.error; }

void log_delivery_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log_line(std::string("relay: delivery: ") + ex.what());
  }
}

}  // namespace

Deliverer::Deliverer(asio::io_context& io, const std::vector<Endpoint>& endpoints, Outbox& outbox,
                     std::size_t threads_sharing_limits, std::uint64_t seed)
    : io_(io), outbox_(outbox), random_(seed) {
  const std::size_t threads = std::max<std::size_t>(1, threads_sharing_limits);
  for (const auto& e : endpoints) {
    const std::size_t share = (e.options.max_concurrency + threads - 1) / threads;
    pools_.push_back(std::make_shared<ConnectionPool>(io, e, share));
  }
}

std::shared_ptr<ConnectionPool> Deliverer::pool_for(std::string_view destination) const {
  for (const auto& p : pools_)
    if (p->endpoint().name == destination) return p;
  throw std::logic_error("no endpoint for destination " + std::string(destination));
}

void Deliverer::enqueue(std::vector<pipeline::Delivery> batch) {
  for (auto& d : batch)
    asio::co_spawn(io_, deliver_with_retries(shared_from_this(), std::move(d)), log_delivery_exception);
}

awaitable<void> Deliverer::deliver_with_retries(std::shared_ptr<Deliverer> self, pipeline::Delivery delivery) {
  const auto pool = self->pool_for(delivery.destination);
  const auto& policy = pool->endpoint().options.retry;
  const std::string what =
      "relay: delivery of route " + std::string(delivery.route) + " to " + std::string(delivery.destination);
  timer_t wait(self->io_);
  for (std::size_t retry = 0;; ++retry) {
    const AttemptResult result = co_await ConnectionPool::send(pool, delivery.request);
    const AttemptVerdict verdict = classify_status(result.status);
    if (verdict == AttemptVerdict::delivered) {
      self->outbox_.settle(delivery, true);
      co_return;
    }
    if (verdict == AttemptVerdict::failed) {
      log_line(what + " failed for good: " + describe(result));
      self->outbox_.settle(delivery, false);
      co_return;
    }
    const auto delay =
        retry_delay(policy, retry, result.retry_after, std::uniform_real_distribution<double>(0, 1)(self->random_));
    if (!delay) {
      log_line(what + " failed after " + std::to_string(retry + 1) + " attempts: " + describe(result));
      self->outbox_.settle(delivery, false);
      co_return;
    }
    log_line(what + " attempt " + std::to_string(retry + 1) + ": " + describe(result) + "; retrying in " +
             std::to_string(delay->count()) + " ms");
    wait.expires_after(*delay);
    co_await wait.async_wait();
  }
}

awaitable<std::vector<SyncResult>> Deliverer::deliver_now(const std::vector<pipeline::Delivery>& batch) {
  auto self = shared_from_this();
  std::vector<SyncResult> results;
  for (const auto& d : batch) {
    AttemptResult r = co_await ConnectionPool::send(self->pool_for(d.destination), d.request);
    results.push_back({d.destination, r.status, std::move(r.error)});
  }
  co_return results;
}

}  // namespace relay::net
