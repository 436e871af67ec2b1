#include "relay/store/store_worker.hpp"

#include <iterator>

namespace relay::store {

namespace {

using namespace std::chrono_literals;
constexpr auto kIdleBeforeCheckpoint = 1s;
constexpr auto kCheckpointAtLeastEvery = 10s;

// The exception being handled: a StoreError's message and kind, else marked unexpected.
StoreWorker::Failure current_failure() {
  try {
    throw;
  } catch (const StoreError& e) {
    return {e.what(), e.fault};
  } catch (const std::exception& e) {
    return {std::string("unexpected store fault: ") + e.what()};
  } catch (...) {
    return {"unexpected store fault: an exception of unknown type"};
  }
}

}  // namespace

StoreWorker::StoreWorker(std::unique_ptr<Outbox> outbox, std::chrono::milliseconds dedupe_window,
                         std::size_t max_batch, Clock clock)
    : outbox_(std::move(outbox)),
      dedupe_window_(dedupe_window),
      max_batch_(max_batch),
      clock_(std::move(clock)),
      thread_([this] { run(); }) {}

StoreWorker::~StoreWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void StoreWorker::accept(NewEvent event, AcceptDone done) {
  {
    std::lock_guard lock(mutex_);
    accepts_.push_back({std::move(event), std::move(done)});
  }
  wake_.notify_one();
}

void StoreWorker::post(Task task, std::function<void(const std::string&)> failed, std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back({std::move(task), std::move(failed), std::move(done), {}});
  }
  wake_.notify_one();
}

void StoreWorker::lease_on_accept(std::shared_ptr<LeaseTaker> taker) {
  std::lock_guard lock(mutex_);
  taker_ = std::move(taker);
}

void StoreWorker::commit(std::vector<PendingAccept>& batch, std::vector<PendingTask>& tasks, LeaseTaker* taker) {
  std::vector<NewEvent> events;
  events.reserve(batch.size());
  std::size_t deliveries = 0;
  for (auto& p : batch) {
    deliveries += p.event.deliveries.size();
    events.push_back(std::move(p.event));
  }
  const LeaseOnAccept lease = taker && deliveries != 0 ? taker->offer(deliveries) : LeaseOnAccept{};
  std::vector<AcceptResult> results;
  Failure accept_failure, commit_failure;
  try {
    // Tasks before accepts: a task that counts the backlog (a resync) must not see rows whose
    // acceptance is counted again when it is reported, after the commit.
    outbox_->together([&] {
      for (auto& t : tasks) try {
          t.task(*outbox_);
        } catch (...) {
          t.error = current_failure().message;
        }
      if (!events.empty()) try {
          results = outbox_->accept(events, clock_(), dedupe_window_, lease);
          if (results.size() != batch.size()) throw std::logic_error("accept returned a result per event");
        } catch (...) {
          accept_failure = current_failure();
        }
    });
  } catch (...) {
    commit_failure = current_failure();
  }
  const Failure& failure = accept_failure.message.empty() ? commit_failure : accept_failure;
  if (taker && deliveries != 0) {
    std::vector<Claimed> leased;
    std::size_t stored = 0;
    if (failure.message.empty())
      for (auto& r : results) {
        stored += r.stored;
        std::move(r.leased.begin(), r.leased.end(), std::back_inserter(leased));
      }
    const std::size_t waiting = stored - leased.size();
    taker->take(std::move(leased), lease.limit, waiting);
  }
  for (std::size_t i = 0; i < batch.size(); ++i)
    batch[i].done(failure, failure.message.empty() ? results[i] : AcceptResult{});
  for (auto& t : tasks) {
    if (t.error.empty()) t.error = commit_failure.message;
    if (!t.error.empty()) {
      if (t.failed) t.failed(t.error);
    } else if (t.done) {
      t.done();
    }
  }
}

void StoreWorker::checkpoint() {
  try {
    outbox_->checkpoint();  // readers in the way: tried again after the next write
  } catch (...) {
    // The next write meets the same fault and reports it to its caller.
  }
  written_ = false;
  last_checkpoint_ = std::chrono::steady_clock::now();
}

void StoreWorker::run() {
  std::vector<PendingAccept> batch;
  std::vector<PendingTask> tasks;
  for (;;) {
    std::unique_lock lock(mutex_);
    const auto ready = [&] { return stopping_ || !accepts_.empty() || !tasks_.empty(); };
    if (written_ && !wake_.wait_for(lock, kIdleBeforeCheckpoint, ready)) {
      lock.unlock();
      checkpoint();
      continue;
    }
    wake_.wait(lock, ready);
    if (accepts_.empty() && tasks_.empty()) return;  // stopping, nothing left
    batch.clear();
    while (!accepts_.empty() && batch.size() < max_batch_) {
      batch.push_back(std::move(accepts_.front()));
      accepts_.pop_front();
    }
    tasks.clear();
    std::swap(tasks, tasks_);
    const auto taker = taker_;
    lock.unlock();

    commit(batch, tasks, taker.get());
    written_ = true;
    if (std::chrono::steady_clock::now() - last_checkpoint_ >= kCheckpointAtLeastEvery) checkpoint();
  }
}

}  // namespace relay::store
