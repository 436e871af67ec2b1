#pragma once
// One thread that owns the outbox and runs every store operation in order. Accepts and
// tasks that arrive while a transaction is committing are committed together in the next
// one (group commit, Outbox::together), so durability costs one fsync per batch, not per
// event or per task; callers hear of their work only once it is committed. After writes it
// checkpoints the outbox's log when it has been idle for a second, and at least every ten
// seconds under load. Any exception from the outbox is a store fault passed to the
// caller's callback (its message names an unexpected one); it never ends the thread.
#include "relay/store/outbox.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace relay::store {

class StoreWorker {
 public:
  // What went wrong: `message` is empty on success.
  struct Failure {
    std::string message;
    StoreFault fault = StoreFault::failed;
  };
  // The callback runs on the worker thread.
  using AcceptDone = std::function<void(const Failure& failure, AcceptResult result)>;
  using Task = std::function<void(Outbox&)>;
  using Clock = std::function<TimePoint()>;

  // Takes deliveries leased as they are stored (the sender). Before a batch's accepts the
  // worker asks how many of its `deliveries` it has room for; once the batch is committed it
  // hands over those leased (none when the commit failed) with the `offered` count, so the
  // room not used can be given back, and the count stored without a lease, which wait to be
  // claimed. Both calls on the worker thread, for every batch that has deliveries.
  class LeaseTaker {
   public:
    virtual ~LeaseTaker() = default;
    virtual LeaseOnAccept offer(std::size_t deliveries) = 0;
    virtual void take(std::vector<Claimed> leased, std::size_t offered, std::size_t waiting) = 0;
  };

  StoreWorker(std::unique_ptr<Outbox> outbox, std::chrono::milliseconds dedupe_window, std::size_t max_batch = 512,
              Clock clock = [] { return std::chrono::system_clock::now(); });
  ~StoreWorker();  // finishes everything queued, then stops

  void accept(NewEvent event, AcceptDone done);
  // Runs `task` on the worker thread after everything queued before it. Once its batch is
  // committed, `done` runs (both on the worker thread); what it throws, or the commit's
  // fault, is passed to `failed` instead.
  void post(Task task, std::function<void(const std::string&)> failed = {}, std::function<void()> done = {});
  // Thread-safe. From the next batch on, accepts lease to `taker`; null: to nobody (the
  // deliveries wait to be claimed).
  void lease_on_accept(std::shared_ptr<LeaseTaker> taker);

 private:
  struct PendingAccept {
    NewEvent event;
    AcceptDone done;
  };
  struct PendingTask {
    Task task;
    std::function<void(const std::string&)> failed;
    std::function<void()> done;
    std::string error;  // what the task threw
  };
  void run();
  void commit(std::vector<PendingAccept>& batch, std::vector<PendingTask>& tasks, LeaseTaker* taker);
  void checkpoint();

  std::unique_ptr<Outbox> outbox_;
  std::chrono::milliseconds dedupe_window_;
  std::size_t max_batch_;
  Clock clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<PendingAccept> accepts_;
  std::vector<PendingTask> tasks_;
  std::shared_ptr<LeaseTaker> taker_;
  bool stopping_ = false;
  bool written_ = false;  // since the last checkpoint (worker thread only)
  std::chrono::steady_clock::time_point last_checkpoint_ = std::chrono::steady_clock::now();
  std::thread thread_;
};

}  // namespace relay::store
