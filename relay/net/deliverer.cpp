#include "relay/net/deliverer.hpp"

namespace relay::net {

namespace {

using destination::Item;

// The runs of `indices` (deliveries to one destination, in order) that go in one request:
// at most max_items and max_bytes each. A delivery measure() refuses is not in any run:
// its result is filled in at once.
std::vector<std::vector<std::size_t>> batches_for(const destination::Destination& dest,
                                                  const std::vector<std::size_t>& indices,
                                                  const std::vector<Item>& items, std::vector<SyncResult>& results) {
  const destination::Batching limits = dest.batching();
  std::vector<std::vector<std::size_t>> runs;
  std::size_t bytes = 0;
  for (std::size_t i : indices) {
    auto measured = dest.measure(items[i]);
    if (auto* refusal = std::get_if<std::string>(&measured)) {
      results[i].error = std::move(*refusal);
      continue;
    }
    const std::size_t size = std::get<std::size_t>(measured);
    if (runs.empty() || runs.back().size() == limits.max_items || bytes + size > limits.max_bytes) {
      runs.emplace_back();
      bytes = 0;
    }
    runs.back().push_back(i);
    bytes += size;
  }
  return runs;
}

}  // namespace

Deliverer::Deliverer(asio::io_context& io, const std::vector<Endpoint>& endpoints, std::size_t threads_sharing_limits)
    : io_(io) {
  const std::size_t threads = std::max<std::size_t>(1, threads_sharing_limits);
  for (const auto& e : endpoints) {
    const std::size_t share = (e.transport().max_concurrency + threads - 1) / threads;
    pools_.push_back(std::make_shared<ConnectionPool>(io, e, share));
  }
}

std::shared_ptr<ConnectionPool> Deliverer::pool_for(std::string_view destination) const {
  for (const auto& p : pools_)
    if (p->endpoint().name() == destination) return p;
  return nullptr;
}

awaitable<SendResult> Deliverer::send(const destination::Destination& destination, std::span<const Item> items) {
  auto self = shared_from_this();
  SendResult out;
  auto pool = pool_for(destination.name());
  if (!pool) {
    out.attempt.error = "no destination named " + destination.name();
  } else {
    // The rate limit first: neither credentials nor a signature must age while it waits its turn.
    if (pool->endpoint().rate) co_await pool->endpoint().rate->wait_turn();
    std::optional<aws::Credentials> credentials;
    if (const auto& provider = pool->endpoint().credentials) {
      auto got = co_await provider->get();
      if (auto* missing = std::get_if<std::string>(&got)) {
        out.postponed = true;
        out.attempt.error = std::move(*missing);
        out.outcomes.assign(items.size(), {destination::Verdict::retry, out.attempt.error, {}});
        co_return out;
      }
      credentials = std::get<aws::Credentials>(std::move(got));
    }
    const destination::SendContext context{std::chrono::system_clock::now(), credentials ? &*credentials : nullptr};
    out.attempt = co_await ConnectionPool::send(std::move(pool), destination.request(items, context));
  }
  out.outcomes = destination.classify({out.attempt.status, out.attempt.error, out.attempt.excerpt}, items.size());
  if (out.outcomes.size() != items.size())  // a kind's bug must not lose deliveries
    out.outcomes.assign(items.size(), {destination::Verdict::retry, "no verdict for this delivery", {}});
  co_return out;
}

awaitable<std::vector<SyncResult>> Deliverer::deliver_now(const Admitted& admitted) {
  auto self = shared_from_this();
  const auto& deliveries = admitted.deliveries;
  std::vector<SyncResult> results(deliveries.size());
  std::vector<Item> items;
  items.reserve(deliveries.size());
  auto event = admitted.events.begin();
  std::size_t left_in_event = event == admitted.events.end() ? 0 : event->deliveries;
  for (const auto& d : deliveries) {
    while (left_in_event == 0) left_in_event = (++event)->deliveries;
    --left_in_event;
    items.push_back({{event->id, d.route, d.destination}, d.handler, d.content_type, d.body});
  }
  // Destinations in the order they first appear; each one's deliveries in order.
  std::vector<std::pair<std::string_view, std::vector<std::size_t>>> by_destination;
  for (std::size_t i = 0; i < deliveries.size(); ++i) {
    results[i].destination = deliveries[i].destination;
    auto it = std::find_if(by_destination.begin(), by_destination.end(),
                           [&](const auto& entry) { return entry.first == deliveries[i].destination; });
    if (it == by_destination.end()) it = by_destination.insert(it, {deliveries[i].destination, {}});
    it->second.push_back(i);
  }
  for (const auto& [name, indices] : by_destination) {
    auto pool = self->pool_for(name);
    if (!pool) {
      for (std::size_t i : indices) results[i].error = "no destination named " + std::string(name);
      continue;
    }
    const destination::Destination& dest = *pool->endpoint().destination;
    for (const auto& run : batches_for(dest, indices, items, results)) {
      std::vector<Item> batch;
      for (std::size_t i : run) batch.push_back(items[i]);
      const auto started = std::chrono::steady_clock::now();
      SendResult sent = co_await self->send(dest, batch);
      const auto latency =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      for (std::size_t k = 0; k < run.size(); ++k) {
        SyncResult& r = results[run[k]];
        r.attempted = true;
        r.latency = latency;
        r.delivered = sent.outcomes[k].verdict == destination::Verdict::delivered;
        r.status = sent.attempt.status;
        r.error = sent.outcomes[k].error.empty() ? sent.attempt.error : sent.outcomes[k].error;
      }
    }
  }
  co_return results;
}

}  // namespace relay::net
