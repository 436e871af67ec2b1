#include "relay/net/deliverer.hpp"

namespace relay::net {

Deliverer::Deliverer(asio::io_context& io, const std::vector<Endpoint>& endpoints, std::size_t threads_sharing_limits)
    : io_(io) {
  const std::size_t threads = std::max<std::size_t>(1, threads_sharing_limits);
  for (const auto& e : endpoints) {
    const std::size_t share = (e.options.max_concurrency + threads - 1) / threads;
    pools_.push_back(std::make_shared<ConnectionPool>(io, e, share));
  }
}

std::shared_ptr<ConnectionPool> Deliverer::pool_for(std::string_view destination) const {
  for (const auto& p : pools_)
    if (p->endpoint().name == destination) return p;
  return nullptr;
}

awaitable<AttemptResult> Deliverer::attempt(std::string_view destination, const pipeline::Request& request) {
  auto self = shared_from_this();
  auto pool = pool_for(destination);
  if (!pool) co_return AttemptResult{0, "no destination named " + std::string(destination), std::nullopt, {}};
  co_return co_await ConnectionPool::send(std::move(pool), request);
}

awaitable<std::vector<SyncResult>> Deliverer::deliver_now(const std::vector<pipeline::Delivery>& batch) {
  auto self = shared_from_this();
  std::vector<SyncResult> results;
  for (const auto& d : batch) {
    AttemptResult r = co_await self->attempt(d.destination, d.request);
    results.push_back({d.destination, r.status, std::move(r.error)});
  }
  co_return results;
}

}  // namespace relay::net
