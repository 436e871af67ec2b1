#include "relay/net/delivery_scheduler.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "relay/net/log.hpp"
#include "relay/net/retry.hpp"
#include "relay/net/store_calls.hpp"

namespace relay::net {

namespace {

using std::chrono::milliseconds;
using SystemClock = std::chrono::system_clock;

void log_exception(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log(observe::LogLevel::error, std::string("relay: delivery scheduler: ") + ex.what());
  }
}

struct RecordBatch {
  std::vector<bool> recorded;          // per attempt: false when its lease was lost
  std::vector<store::Claimed> claimed;  // leased in the same transaction, to send next
};

struct ClaimBatch {
  std::vector<store::Claimed> claimed;
  std::optional<store::TimePoint> next_due;  // when fewer than asked for were due
  std::size_t room = 0;                      // how many it asked for
};

std::string describe(const store::Attempt& a) {
  if (!a.status) return a.error;
  return "status " + std::to_string(a.status) + (a.error.empty() ? "" : ", " + a.error);
}

}  // namespace

SchedulerOptions scheduler_options(const config::Config& config) {
  SchedulerOptions o;
  std::size_t concurrency = 0;
  milliseconds longest{0};
  for (const auto& d : config.pipeline->destinations().all()) {
    const auto& t = d->transport();
    concurrency += t.max_concurrency * d->batching().max_items;
    longest = std::max(longest, t.connect_timeout + t.timeout + d->batching().flush_after);
  }
  // Twice what the destinations take at once: the next ones are leased and waiting for a
  // connection while the last ones are being recorded, so no connection idles on the store.
  o.max_in_flight = std::clamp<std::size_t>(2 * concurrency, 1, 4096);
  // Every delivery in flight may be queued at one destination's rate limit before it goes.
  for (const auto& d : config.pipeline->destinations().all())
    if (const auto& rate = d->transport().rate_limit)
      longest = std::max(longest, d->transport().connect_timeout + d->transport().timeout +
                                      milliseconds(static_cast<std::int64_t>(1000.0 * o.max_in_flight / rate->per_second)));
  // Twice the longest attempt: an attempt may first wait for a free connection.
  o.lease = 2 * longest + std::chrono::seconds(5);
  o.retention = config.store.retention;
  o.dedupe_window = config.delivery.dedupe_window;
  return o;
}

DeliveryScheduler::DeliveryScheduler(asio::io_context& home, const LiveConfig& live, store::StoreWorker& store,
                                     BacklogGauge& gauge, StoreHealth& health, SchedulerOptions options,
                                     std::uint64_t seed, observe::RelayMetrics& metrics)
    : home_(home),
      live_(live),
      store_(store),
      gauge_(gauge),
      health_(health),
      options_(options),
      timer_(home_),
      random_(seed),
      metrics_(metrics) {}

void DeliveryScheduler::start() {
  asio::co_spawn(home_, run(shared_from_this()), log_exception);
  asio::co_spawn(home_, housekeeping(shared_from_this()), log_exception);
}

void DeliveryScheduler::wake() {
  if (wake_posted_.exchange(true, std::memory_order_acq_rel)) return;
  asio::post(home_, [self = shared_from_this()] {
    self->wake_posted_.store(false, std::memory_order_release);
    self->nudge();
  });
}

void DeliveryScheduler::nudge() {
  woken_ = true;
  timer_.cancel();
}

bool DeliveryScheduler::drain(std::chrono::steady_clock::time_point deadline) {
  auto done = drained_.get_future();
  draining_ = true;
  asio::post(home_, [self = shared_from_this()] { self->nudge(); });
  return done.wait_until(deadline) == std::future_status::ready;
}

std::size_t DeliveryScheduler::reserve(std::size_t wanted) {
  std::size_t held = in_flight_.load();
  std::size_t got = 0;
  do got = std::min(wanted, options_.max_in_flight - std::min(held, options_.max_in_flight));
  while (got != 0 && !in_flight_.compare_exchange_weak(held, held + got));
  return got;
}

store::LeaseOnAccept DeliveryScheduler::offer(std::size_t deliveries) {
  if (draining_) return {};
  const std::size_t room = reserve(deliveries);
  if (room == 0) return {};
  return {room, options_.lease, live_.current()->paused};
}

void DeliveryScheduler::take(std::vector<store::Claimed> leased, std::size_t offered, std::size_t waiting) {
  in_flight_ -= offered - leased.size();
  if (waiting != 0) wake();
  if (leased.empty()) return;
  asio::post(home_, [self = shared_from_this(), leased = std::move(leased)]() mutable {
    for (auto& c : leased) self->dispatch(std::move(c));
  });
}

awaitable<void> DeliveryScheduler::run(std::shared_ptr<DeliveryScheduler> self) {
  const SchedulerOptions& o = self->options_;
  for (;;) {
    std::optional<store::TimePoint> next_due;
    bool more_due = false;
    if (self->in_flight_ < o.max_in_flight) {
      // The room is reserved on the store's thread, after the accepts committed with this
      // claim leased theirs; `kept` is what the claim holds, given back if the commit fails.
      std::size_t kept = 0;
      const auto serving = self->live_.current();
      auto claiming = on_store(self->store_, [self, &kept, &o, serving](store::Outbox& outbox) {
        ClaimBatch b{{}, std::nullopt, self->reserve(o.max_in_flight)};
        kept = b.room;
        if (b.room != 0) b.claimed = outbox.claim(SystemClock::now(), b.room, o.lease, serving->paused);
        self->in_flight_ -= b.room - b.claimed.size();
        kept = b.claimed.size();
        if (b.claimed.size() < b.room) b.next_due = outbox.next_due(serving->paused);
        return b;
      });
      auto reply = co_await std::move(claiming);
      if (!reply.error.empty()) {
        self->in_flight_ -= kept;
        if (self->health_.failed(reply.error)) log(observe::LogLevel::error, "relay: cannot lease deliveries: " + reply.error);
      } else {
        // The store is reachable again (a database that was down): ready, as /readyz says,
        // even before any event arrives to be written.
        if (self->health_.reached())
          log(observe::LogLevel::warn, "relay: the outbox is reachable again");
        more_due = reply.value.room != 0 && reply.value.claimed.size() == reply.value.room;
        next_due = reply.value.next_due;
        for (auto& c : reply.value.claimed) self->dispatch(std::move(c));
      }
    }
    if (self->draining_ && !more_due && self->in_flight_ == 0) {
      self->drained_.set_value();
      co_return;
    }
    if (more_due || std::exchange(self->woken_, false)) continue;

    auto wait = o.idle_check;
    if (next_due) wait = std::clamp(std::chrono::duration_cast<milliseconds>(*next_due - SystemClock::now()), milliseconds(0), wait);
    self->timer_.expires_after(wait);
    co_await self->timer_.async_wait();
    self->woken_ = false;
  }
}

void DeliveryScheduler::dispatch(store::Claimed c) {
  auto serving = live_.current();
  const destination::Destination* dest = serving->pipeline().destinations().find(c.destination);
  if (!dest) {
    store::Attempt gone{SystemClock::now(), {}, 0, "destination " + c.destination + " is no longer configured", {}};
    settle_one(c, nullptr, std::move(gone), destination::Verdict::dead, std::nullopt, {});
    return;
  }
  const destination::Item item{{c.event_id, c.route, c.destination}, serving->pipeline().handler_of(c.route),
                               c.content_type, c.body};
  auto measured = dest->measure(item);
  if (auto* refusal = std::get_if<std::string>(&measured)) {
    store::Attempt refused{SystemClock::now(), {}, 0, std::move(*refusal), {}};
    settle_one(c, dest, std::move(refused), destination::Verdict::dead, std::nullopt, {});
    return;
  }
  const destination::Batching limits = dest->batching();
  if (limits.max_items <= 1) {
    std::vector<store::Claimed> one;
    one.push_back(std::move(c));
    send_now(std::move(serving), dest, std::move(one));
    return;
  }
  const std::size_t size = std::get<std::size_t>(measured);
  if (auto it = batches_.find(dest); it != batches_.end() && it->second.bytes + size > limits.max_bytes) flush(dest);
  Batch& batch = batches_[dest];
  if (batch.claimed.empty()) {
    batch.serving = std::move(serving);
    batch.number = ++batches_started_;
    asio::co_spawn(home_, flush_later(shared_from_this(), dest, batch.number, limits.flush_after), log_exception);
  }
  batch.claimed.push_back(std::move(c));
  batch.bytes += size;
  if (batch.claimed.size() >= limits.max_items) flush(dest);
}

void DeliveryScheduler::flush(const destination::Destination* destination) {
  auto it = batches_.find(destination);
  if (it == batches_.end()) return;
  std::vector<store::Claimed> claimed = std::move(it->second.claimed);
  auto serving = std::move(it->second.serving);
  batches_.erase(it);
  if (!claimed.empty()) send_now(std::move(serving), destination, std::move(claimed));
}

awaitable<void> DeliveryScheduler::flush_later(std::shared_ptr<DeliveryScheduler> self,
                                               const destination::Destination* destination, std::uint64_t number,
                                               std::chrono::milliseconds after) {
  timer_t timer(self->home_);
  timer.expires_after(after);
  co_await timer.async_wait();
  auto it = self->batches_.find(destination);
  if (it != self->batches_.end() && it->second.number == number) self->flush(destination);
}

void DeliveryScheduler::send_now(std::shared_ptr<const ServingConfig> serving,
                                 const destination::Destination* destination, std::vector<store::Claimed> claimed) {
  auto sender = serving->senders[next_sender_++ % serving->senders.size()];
  asio::co_spawn(sender->io(), send(shared_from_this(), std::move(serving), sender, destination, std::move(claimed)),
                 log_exception);
}

// `serving` owns `destination` and the sender's pools: held until the attempts are settled.
awaitable<void> DeliveryScheduler::send(std::shared_ptr<DeliveryScheduler> self,
                                        std::shared_ptr<const ServingConfig> serving, std::shared_ptr<Deliverer> sender,
                                        const destination::Destination* destination,
                                        std::vector<store::Claimed> claimed) {
  const auto started = SystemClock::now();
  const auto clock = std::chrono::steady_clock::now();
  std::vector<destination::Item> items;
  items.reserve(claimed.size());
  for (const auto& c : claimed)
    items.push_back(
        {{c.event_id, c.route, c.destination}, serving->pipeline().handler_of(c.route), c.content_type, c.body});
  SendResult sent = co_await sender->send(*destination, items);
  const auto latency = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - clock);
  asio::post(self->home_, [self, serving = std::move(serving), destination, claimed = std::move(claimed),
                           sent = std::move(sent), started, latency]() mutable {
    for (std::size_t k = 0; k < claimed.size(); ++k) {
      auto& outcome = sent.outcomes[k];
      store::Attempt attempt{started, latency, static_cast<int>(sent.attempt.status),
                             outcome.error.empty() ? sent.attempt.error : std::move(outcome.error),
                             std::move(outcome.response)};
      self->settle_one(claimed[k], destination, std::move(attempt), outcome.verdict, sent.attempt.retry_after,
                       log_payloads() ? claimed[k].body : std::string(), sent.postponed);
    }
  });
}

void DeliveryScheduler::settle_one(const store::Claimed& c, const destination::Destination* destination,
                                   store::Attempt attempt, destination::Verdict verdict,
                                   std::optional<std::chrono::milliseconds> retry_after,
                                   const std::string& logged_body, bool postponed) {
  const Settlement s =
      // Credentials missing now: asked again after the schedule's first delay, never dead.
      postponed     ? Settlement{store::Verdict::postpone, destination->transport().retry.schedule.front()}
      : destination ? net::settle(destination->transport().retry, c.attempt, verdict, retry_after,
                                  std::uniform_real_distribution<double>(0, 1)(random_))
                    : Settlement{store::Verdict::dead, {}};
  const std::string_view outcome = s.verdict == store::Verdict::delivered  ? "delivered"
                                   : s.verdict == store::Verdict::retry    ? "retry"
                                   : s.verdict == store::Verdict::postpone ? "postponed"
                                                                           : "dead";
  metrics_.deliveries.add({c.destination, outcome});
  metrics_.attempt_seconds.observe({c.destination}, std::chrono::duration<double>(attempt.latency).count());
  if (s.verdict != store::Verdict::postpone)
    metrics_.activity.attempted(c.destination,
                                s.verdict == store::Verdict::delivered ? observe::Outcome::delivered
                                : s.verdict == store::Verdict::retry   ? observe::Outcome::retry
                                                                       : observe::Outcome::dead,
                                attempt.status, attempt.latency, SystemClock::now());
  const std::string msg =
      s.verdict == store::Verdict::delivered  ? "delivered"
      : s.verdict == store::Verdict::postpone ? "delivery postponed, not attempted: " + attempt.error +
                                                    "; trying again in " + std::to_string(s.delay.count()) + " ms"
      : s.verdict == store::Verdict::retry
          ? "delivery attempt failed: " + describe(attempt) + "; retrying in " + std::to_string(s.delay.count()) + " ms"
      : verdict == destination::Verdict::dead
          ? "delivery failed for good: " + describe(attempt) + "; now a dead letter"
          : "delivery failed after " + std::to_string(c.attempt) + " attempts: " + describe(attempt) +
                "; now a dead letter";
  log(s.verdict == store::Verdict::delivered ? observe::LogLevel::info : observe::LogLevel::warn, msg,
      {{"delivery_id", std::int64_t{c.id}},
       {"event_id", c.event_id},
       {"route", c.route},
       {"destination", c.destination},
       {"attempt", std::int64_t{c.attempt}},
       {"status", std::int64_t{attempt.status}},
       {"latency_ms", static_cast<std::int64_t>(attempt.latency.count())},
       {"outcome", outcome},
       {"error", attempt.error},
       {log_payloads() ? "body" : "", logged_body}});
  const store::TimePoint retry_at = attempt.started + attempt.latency + s.delay;
  queue_record({{c.id, c.attempt, std::move(attempt), s.verdict, retry_at}, c.body.size(), c.destination});
}

void DeliveryScheduler::queue_record(Sent sent) {
  to_record_.push_back(std::move(sent));
  if (!recording_) asio::co_spawn(home_, record(shared_from_this()), log_exception);
  recording_ = true;
}

// Records every attempt waiting, in one transaction per batch, until none is left, and in
// the same store call leases as many due deliveries as the batch frees (fewer round trips
// per delivery). When fewer were due and the batch set a retry time, the run loop looks again
// and learns the next due time; otherwise the one it waits for still holds.
awaitable<void> DeliveryScheduler::record(std::shared_ptr<DeliveryScheduler> self) {
  const SchedulerOptions& o = self->options_;
  while (!self->to_record_.empty()) {
    auto batch = std::make_shared<const std::vector<Sent>>(std::exchange(self->to_record_, {}));
    const std::size_t refill = self->draining_ ? 0 : batch->size();
    // Named, not a temporary in the co_await expression: g++ 12 destroys those twice.
    auto recording = on_store(self->store_, [batch, refill, &o, &gauge = self->gauge_,
                                             serving = self->live_.current()](store::Outbox& outbox) {
      std::vector<store::Finish> finishes;
      finishes.reserve(batch->size());
      for (const auto& s : *batch) finishes.push_back(s.finish);
      RecordBatch r{outbox.finish_all(finishes), {}};
      BacklogCounts gone;
      for (std::size_t i = 0; i < batch->size(); ++i) {
        const Sent& sent = (*batch)[i];
        if (!r.recorded[i] || sent.finish.verdict == store::Verdict::retry ||
            sent.finish.verdict == store::Verdict::postpone)
          continue;
        ++gone.count;
        gone.bytes += sent.bytes;
        if (sent.finish.verdict == store::Verdict::dead) gauge.dead_letter(sent.destination);
      }
      gauge.removed(gone);
      if (refill != 0) r.claimed = outbox.claim(SystemClock::now(), refill, o.lease, serving->paused);
      return r;
    });
    auto reply = co_await std::move(recording);
    if (!reply.error.empty()) {
      if (self->health_.failed(reply.error))
        log(observe::LogLevel::error, "relay: cannot record " + std::to_string(batch->size()) +
                 " attempts (they are sent again once their lease ends): " + reply.error);
    } else {
      for (std::size_t i = 0; i < batch->size(); ++i)
        if (!reply.value.recorded[i])
          log(observe::LogLevel::warn, "relay: delivery " + std::to_string((*batch)[i].finish.id) +
                   ": lease lost to a newer attempt; this attempt is not recorded");
    }
    self->in_flight_ -= batch->size() - reply.value.claimed.size();
    for (auto& c : reply.value.claimed) self->dispatch(std::move(c));
    const bool retries = std::any_of(batch->begin(), batch->end(), [](const Sent& sent) {
      return sent.finish.verdict == store::Verdict::retry || sent.finish.verdict == store::Verdict::postpone;
    });
    if (self->draining_ || (retries && reply.value.claimed.size() < refill)) self->nudge();
  }
  self->recording_ = false;
}

awaitable<void> DeliveryScheduler::housekeeping(std::shared_ptr<DeliveryScheduler> self) {
  const SchedulerOptions& o = self->options_;
  timer_t tick(self->home_);
  auto last_prune = std::chrono::steady_clock::now() - o.prune_every;
  for (;;) {
    const bool prune = std::chrono::steady_clock::now() - last_prune >= o.prune_every;
    if (prune) last_prune = std::chrono::steady_clock::now();
    auto tidying = on_store(self->store_, [prune, &o, &gauge = self->gauge_](store::Outbox& outbox) {
      const auto now = SystemClock::now();
      const std::size_t pruned = prune ? outbox.prune(now - o.retention, now - o.dedupe_window) : 0;
      gauge.resync(outbox.backlog());
      return pruned;
    });
    auto reply = co_await std::move(tidying);
    if (!reply.error.empty())
      log(observe::LogLevel::error, "relay: outbox housekeeping failed: " + reply.error);
    else if (reply.value != 0)
      log_line("relay: pruned " + std::to_string(reply.value) + " delivered rows older than the retention");
    tick.expires_after(o.resync_every);
    co_await tick.async_wait();
  }
}

}  // namespace relay::net
