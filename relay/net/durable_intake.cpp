#include "relay/net/durable_intake.hpp"

#include "relay/net/log.hpp"
#include "relay/net/store_calls.hpp"

namespace relay::net {

std::vector<store::NewEvent> new_events(const Admitted& admitted) {
  std::vector<store::NewEvent> out;
  auto delivery = admitted.deliveries.begin();
  for (const auto& e : admitted.events) {
    if (e.deliveries == 0) continue;
    store::NewEvent& event = out.emplace_back();
    event.event_id = e.id;
    event.source = e.source;
    event.detail_type = e.detail_type;
    for (std::size_t i = 0; i < e.deliveries; ++i, ++delivery)
      event.deliveries.push_back({std::string(delivery->route), std::string(delivery->destination),
                                  std::string(delivery->content_type), delivery->body});
  }
  return out;
}

awaitable<Answer> DurableIntake::accept(const Admitted& admitted) {
  BacklogCounts batch{admitted.deliveries.size(), 0};
  for (const auto& d : admitted.deliveries) batch.bytes += d.body.size();
  if (batch.count == 0) co_return accepted_answer(admitted.event_ids());
  if (!gauge_.reserve(batch)) co_return backlog_full_answer();

  // Named, not a temporary in the co_await expression: g++ 12 destroys those twice.
  auto storing = accept_on_store(store_, new_events(admitted), [this, batch](const AcceptReply& r) {
        // Duplicates are not stored; their share of the bytes is estimated (resyncs correct it).
        const BacklogCounts stored{r.stored, r.stored == batch.count ? batch.bytes : batch.bytes * r.stored / batch.count};
        gauge_.committed(batch, stored);
        if (r.error.empty() ? health_.wrote() : health_.failed(r.error, r.fault))
          log(observe::LogLevel::warn, r.error.empty() ? "relay: the outbox is writable again"
                                   : "relay: cannot store events, answering 503 until it can: " + r.error);
      });
  const AcceptReply reply = co_await std::move(storing);
  if (!reply.error.empty()) co_return store_failure_answer(reply.fault);
  co_return accepted_answer(admitted.event_ids());
}

}  // namespace relay::net
