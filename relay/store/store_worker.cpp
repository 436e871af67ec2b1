#include "relay/store/store_worker.hpp"

namespace relay::store {

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

void StoreWorker::post(Task task, std::function<void(const std::string&)> failed) {
  {
    std::lock_guard lock(mutex_);
    tasks_.emplace_back(std::move(task), std::move(failed));
  }
  wake_.notify_one();
}

void StoreWorker::commit(std::vector<PendingAccept>& batch) {
  std::vector<NewEvent> events;
  events.reserve(batch.size());
  for (auto& p : batch) events.push_back(std::move(p.event));
  try {
    auto results = outbox_->accept(events, clock_(), dedupe_window_);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done({}, results[i]);
  } catch (const StoreError& e) {
    for (auto& p : batch) p.done(e.what(), {});
  }
}

void StoreWorker::run() {
  std::vector<PendingAccept> batch;
  for (;;) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return stopping_ || !accepts_.empty() || !tasks_.empty(); });
    if (accepts_.empty() && tasks_.empty()) return;  // stopping, nothing left
    batch.clear();
    while (!accepts_.empty() && batch.size() < max_batch_) {
      batch.push_back(std::move(accepts_.front()));
      accepts_.pop_front();
    }
    auto tasks = std::move(tasks_);
    tasks_.clear();
    lock.unlock();

    if (!batch.empty()) commit(batch);
    for (auto& [task, failed] : tasks) {
      try {
        task(*outbox_);
      } catch (const StoreError& e) {
        if (failed) failed(e.what());
      }
    }
  }
}

}  // namespace relay::store
