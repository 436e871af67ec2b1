#pragma once
// Queued mode's sender: leases due deliveries from the outbox (at most max_in_flight in
// memory at once, however large the backlog), sends each (or, for a destination that
// batches, each batch: sent when full or its flush time after its first delivery waits),
// signed at its own time, through the server threads' connection pools, and records every
// delivery's attempt with its verdict: delivered, retry at a time from the destination's
// schedule, or dead. It sleeps until woken (new deliveries stored, attempts recorded with a
// retry time), the next delivery falls due, or at most `idle_check` (another process may
// have replayed dead letters). Attempts that finish together are recorded in one
// transaction. While it has room, the outbox leases fresh deliveries to it as they are
// stored (StoreWorker::LeaseTaker), so those are not read back. Also prunes old rows on a
// timer.
#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "relay/observe/relay_metrics.hpp"
#include "relay/net/backlog_gauge.hpp"
#include "relay/net/deliverer.hpp"
#include "relay/net/live_config.hpp"
#include "relay/net/store_health.hpp"
#include "relay/store/store_worker.hpp"

namespace relay::net {

struct SchedulerOptions {
  std::size_t max_in_flight = 256;
  std::chrono::milliseconds lease{60000};  // longer than an attempt can take
  std::chrono::milliseconds idle_check{1000};
  std::chrono::milliseconds resync_every{60000};  // backlog gauge from the database
  std::chrono::milliseconds prune_every{3600000};
  std::chrono::milliseconds retention{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds dedupe_window{std::chrono::hours(24)};
};

// From the config relay starts with (a reload keeps them): in flight up to twice the
// destinations' concurrency, a lease twice the longest attempt, retention and dedupe window.
SchedulerOptions scheduler_options(const config::Config& config);

class DeliveryScheduler : public std::enable_shared_from_this<DeliveryScheduler>,
                          public store::StoreWorker::LeaseTaker {
 public:
  // Runs on `home` (a server thread's io_context); sends through the current config's
  // senders, in turn. Each delivery is sent to the destination of that name in the config
  // current when it is leased; one no longer configured goes dead, saying so. Everything
  // given outlives the scheduler's coroutines.
  DeliveryScheduler(asio::io_context& home, const LiveConfig& live, store::StoreWorker& store, BacklogGauge& gauge,
                    StoreHealth& health, SchedulerOptions options, std::uint64_t seed, observe::RelayMetrics& metrics);

  void start();
  // Thread-safe: deliveries were replayed, destinations resumed or another relay stored some.
  void wake();
  // From another thread: stops claiming once nothing is due now and every attempt in
  // flight is recorded; false when `deadline` passes first.
  bool drain(std::chrono::steady_clock::time_point deadline);

  // On the store worker's thread: room for fresh deliveries, and those leased in it.
  store::LeaseOnAccept offer(std::size_t deliveries) override;
  void take(std::vector<store::Claimed> leased, std::size_t offered, std::size_t waiting) override;

 private:
  // An attempt made, waiting to be recorded.
  struct Sent {
    store::Finish finish;
    std::size_t bytes = 0;    // the body's, for the backlog gauge
    std::string destination;  // for the dead letters per destination
  };
  static awaitable<void> run(std::shared_ptr<DeliveryScheduler> self);
  static awaitable<void> housekeeping(std::shared_ptr<DeliveryScheduler> self);
  // Deliveries waiting to fill a batch for one destination.
  struct Batch {
    std::shared_ptr<const ServingConfig> serving;  // owns the destination
    std::vector<store::Claimed> claimed;
    std::size_t bytes = 0;       // by the destination's measure()
    std::uint64_t number = 0;    // which batch of this destination: a flush timer flushes only its own
  };
  static awaitable<void> send(std::shared_ptr<DeliveryScheduler> self, std::shared_ptr<const ServingConfig> serving,
                              std::shared_ptr<Deliverer> sender, const destination::Destination* destination,
                              std::vector<store::Claimed> claimed);
  // `destination` may be gone by then (a reload): it is only compared, never read.
  static awaitable<void> flush_later(std::shared_ptr<DeliveryScheduler> self, const destination::Destination* destination,
                                     std::uint64_t number, std::chrono::milliseconds after);
  static awaitable<void> record(std::shared_ptr<DeliveryScheduler> self);
  // Up to `wanted` of the room left under max_in_flight, held until released; any thread.
  std::size_t reserve(std::size_t wanted);
  // Sends a delivery leased in room already reserved.
  void dispatch(store::Claimed claimed);
  void send_now(std::shared_ptr<const ServingConfig> serving, const destination::Destination* destination,
                std::vector<store::Claimed> claimed);
  void flush(const destination::Destination* destination);
  // Settles one delivery's attempt: logs it, counts it, queues its record.
  // `postponed`: no attempt was made (credentials unavailable): pending again, not counted.
  void settle_one(const store::Claimed& c, const destination::Destination* destination, store::Attempt attempt,
                  destination::Verdict verdict, std::optional<std::chrono::milliseconds> retry_after,
                  const std::string& logged_body, bool postponed = false);
  void queue_record(Sent sent);
  void nudge();

  asio::io_context& home_;
  const LiveConfig& live_;
  store::StoreWorker& store_;
  BacklogGauge& gauge_;
  StoreHealth& health_;
  const SchedulerOptions options_;

  // Touched on the home thread only.
  timer_t timer_;
  std::mt19937_64 random_;
  observe::RelayMetrics& metrics_;
  std::size_t next_sender_ = 0;
  bool woken_ = false;
  bool recording_ = false;
  std::vector<Sent> to_record_;
  std::map<const destination::Destination*, Batch> batches_;
  std::uint64_t batches_started_ = 0;
  std::promise<void> drained_;

  std::atomic<bool> wake_posted_{false};
  // Room held: deliveries being claimed, claimed or leased on accept, and not yet recorded.
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> draining_{false};
};

}  // namespace relay::net
