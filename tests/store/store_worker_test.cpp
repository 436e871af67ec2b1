#include "relay/store/sqlite_outbox.hpp"
#include "relay/store/store_worker.hpp"
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace relay::store {
namespace {

using namespace std::chrono_literals;

// Counts completions and lets a test wait for a number of them, with a deadline.
struct Completions {
  std::mutex m;
  std::condition_variable cv;
  int done = 0;
  std::vector<std::string> errors;
  std::size_t stored = 0, duplicates = 0;

  StoreWorker::AcceptDone callback() {
    return [this](const StoreWorker::Failure& failure, AcceptResult r) {
      std::lock_guard lock(m);
      if (!failure.message.empty()) errors.push_back(failure.message);
      stored += r.stored;
      duplicates += r.duplicates;
      ++done;
      cv.notify_all();
    };
  }
  bool wait_for(int n) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, 20s, [&] { return done >= n; });
  }
};

NewEvent event(int i) {
  return {"e" + std::to_string(i), "s", "t", {{"r", "hook", "application/json", "{}"}}};
}

TEST(StoreWorker, CommitsConcurrentAcceptsAndReportsEach) {
  testing::TempDir dir;
  Completions c;
  std::atomic<std::size_t> backlog{0};
  std::atomic<bool> ran{false};
  {
    StoreWorker worker(open_sqlite_outbox(dir.path() + "/relay.db"), 24h);
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
      clients.emplace_back([&, t] {
        for (int i = 0; i < 250; ++i) worker.accept(event(t * 250 + i), c.callback());
      });
    for (auto& th : clients) th.join();
    worker.accept(event(7), c.callback());  // a duplicate
    ASSERT_TRUE(c.wait_for(1001));
    worker.post([&](Outbox& box) {
      backlog = box.backlog().count;
      ran = true;
    });
  }  // the destructor drains the queue
  EXPECT_TRUE(ran);
  EXPECT_EQ(backlog, 1000u);
  EXPECT_TRUE(c.errors.empty());
  EXPECT_EQ(c.stored, 1000u);
  EXPECT_EQ(c.duplicates, 1u);
  auto box = open_sqlite_outbox(dir.path() + "/relay.db");
  EXPECT_EQ(box->backlog().count, 1000u);
}

TEST(StoreWorker, ReportsStoreErrorsToEveryWaiter) {
  testing::TempDir dir;
  Completions c;
  StoreWorker worker(open_sqlite_outbox(dir.path() + "/full.db", {true, 5000ms, 48 * 1024}), 24h);
  NewEvent big = event(0);
  big.deliveries[0].body = std::string(64 * 1024, 'x');
  worker.accept(big, c.callback());
  ASSERT_TRUE(c.wait_for(1));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_NE(c.errors[0].find("full"), std::string::npos);
  std::string task_error;
  std::mutex m;
  std::condition_variable cv;
  worker.post([](Outbox&) { throw StoreError("boom"); },
              [&](const std::string& e) {
                std::lock_guard lock(m);
                task_error = e;
                cv.notify_all();
              });
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, 20s, [&] { return !task_error.empty(); }));
  EXPECT_EQ(task_error, "boom");
}

// An outbox whose every call fails with something other than a StoreError.
class BrokenOutbox final : public Outbox {
 public:
  [[noreturn]] static void fail() { throw std::runtime_error("disk on fire"); }
  std::vector<AcceptResult> accept(std::span<const NewEvent>, TimePoint, std::chrono::milliseconds,
                                   const LeaseOnAccept&) override {
    fail();
  }
  std::vector<Claimed> claim(TimePoint, std::size_t, std::chrono::milliseconds, std::span<const std::string>) override {
    fail();
  }
  std::size_t recover_own_leases(TimePoint) override { fail(); }
  std::vector<bool> finish_all(std::span<const Finish>) override { fail(); }
  std::vector<DeliveryRow> deliveries(const Filter&) override { fail(); }
  std::optional<DeliveryRow> delivery(std::int64_t) override { fail(); }
  std::vector<AttemptRow> attempts(std::int64_t) override { fail(); }
  std::optional<std::string> body(std::int64_t) override { fail(); }
  std::size_t replay(const Filter&, TimePoint) override { fail(); }
  std::size_t prune(TimePoint, TimePoint) override { fail(); }
  std::size_t purge_dead(const Filter&) override { fail(); }
  Backlog backlog() override { fail(); }
  bool checkpoint() override { fail(); }
  std::optional<TimePoint> next_due(std::span<const std::string>) override { fail(); }
  std::string kept_value(const std::string&, const std::string&) override { fail(); }
};

// A real outbox whose common commit fails after the work in it ran.
class CommitFails final : public Outbox {
 public:
  explicit CommitFails(std::unique_ptr<Outbox> inner) : inner_(std::move(inner)) {}
  void together(const std::function<void()>& work) override {
    work();
    throw StoreError("commit failed");
  }
  std::vector<AcceptResult> accept(std::span<const NewEvent> e, TimePoint now, std::chrono::milliseconds w,
                                   const LeaseOnAccept& lease) override {
    return inner_->accept(e, now, w, lease);
  }
  std::vector<Claimed> claim(TimePoint, std::size_t, std::chrono::milliseconds, std::span<const std::string>) override {
    return {};
  }
  std::size_t recover_own_leases(TimePoint) override { return 0; }
  std::vector<bool> finish_all(std::span<const Finish>) override { return {}; }
  std::vector<DeliveryRow> deliveries(const Filter&) override { return {}; }
  std::optional<DeliveryRow> delivery(std::int64_t) override { return std::nullopt; }
  std::vector<AttemptRow> attempts(std::int64_t) override { return {}; }
  std::optional<std::string> body(std::int64_t) override { return std::nullopt; }
  std::size_t replay(const Filter&, TimePoint) override { return 0; }
  std::size_t prune(TimePoint, TimePoint) override { return 0; }
  std::size_t purge_dead(const Filter&) override { return 0; }
  Backlog backlog() override { return inner_->backlog(); }
  bool checkpoint() override { return true; }
  std::optional<TimePoint> next_due(std::span<const std::string>) override { return std::nullopt; }
  std::string kept_value(const std::string&, const std::string& v) override { return v; }

 private:
  std::unique_ptr<Outbox> inner_;
};

// Waits for a task's outcome: done, or failed with an error.
struct TaskOutcome {
  std::mutex m;
  std::condition_variable cv;
  bool ran = false, done = false;
  std::string error;
  void post(StoreWorker& worker) {
    worker.post([this](Outbox& box) {
          box.backlog();
          std::lock_guard lock(m);
          ran = true;
        },
        [this](const std::string& e) {
          std::lock_guard lock(m);
          error = e;
          cv.notify_all();
        },
        [this] {
          std::lock_guard lock(m);
          done = true;
          cv.notify_all();
        });
  }
  bool settled() {
    std::unique_lock lock(m);
    return cv.wait_for(lock, 20s, [&] { return done || !error.empty(); });
  }
};

TEST(StoreWorker, ATaskIsDoneOnceItsBatchIsCommitted) {
  testing::TempDir dir;
  StoreWorker worker(open_sqlite_outbox(dir.path() + "/relay.db"), 24h);
  TaskOutcome task;
  task.post(worker);
  ASSERT_TRUE(task.settled());
  EXPECT_TRUE(task.ran);
  EXPECT_TRUE(task.done);
  EXPECT_EQ(task.error, "");
}

TEST(StoreWorker, AFailedCommitReachesEveryAcceptAndTaskInItsBatchAndNoneIsDone) {
  testing::TempDir dir;
  Completions c;
  StoreWorker worker(std::make_unique<CommitFails>(open_sqlite_outbox(dir.path() + "/relay.db")), 24h);
  TaskOutcome task;
  worker.accept(event(1), c.callback());
  task.post(worker);
  ASSERT_TRUE(c.wait_for(1));
  ASSERT_TRUE(task.settled());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0], "commit failed");
  EXPECT_EQ(c.stored, 0u) << "nothing is reported stored that was not committed";
  EXPECT_TRUE(task.ran);
  EXPECT_FALSE(task.done);
  EXPECT_EQ(task.error, "commit failed");
}

// A sender with room for `room` deliveries: what it was offered and handed, under a lock.
class RecordingTaker final : public StoreWorker::LeaseTaker {
 public:
  explicit RecordingTaker(std::size_t room) : room_(room) {}
  LeaseOnAccept offer(std::size_t deliveries) override {
    std::lock_guard lock(m);
    asked.push_back(deliveries);
    const std::size_t given = std::min(deliveries, room_);
    room_ -= given;
    return {given, 30s, {"paused"}};
  }
  void take(std::vector<Claimed> leased, std::size_t offered, std::size_t left_waiting) override {
    std::lock_guard lock(m);
    room_ += offered - leased.size();
    waiting += left_waiting;
    for (auto& c : leased) taken.push_back(std::move(c));
    ++handed;
    cv.notify_all();
  }
  bool wait_for_handovers(int n) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, 20s, [&] { return handed >= n; });
  }
  std::size_t room() {
    std::lock_guard lock(m);
    return room_;
  }

  std::mutex m;
  std::condition_variable cv;
  std::vector<std::size_t> asked;
  std::vector<Claimed> taken;
  std::size_t waiting = 0;  // stored without a lease
  int handed = 0;

 private:
  std::size_t room_;
};

TEST(StoreWorker, LeasesFreshDeliveriesToATakerWithRoomOnceCommitted) {
  testing::TempDir dir;
  Completions c;
  auto taker = std::make_shared<RecordingTaker>(2);
  StoreWorker worker(open_sqlite_outbox(dir.path() + "/relay.db"), 24h);
  worker.lease_on_accept(taker);
  NewEvent paused = event(0);
  paused.deliveries[0].destination = "paused";
  worker.accept(paused, c.callback());
  ASSERT_TRUE(c.wait_for(1));
  ASSERT_TRUE(taker->wait_for_handovers(1));
  EXPECT_TRUE(taker->taken.empty()) << "never for a skipped destination";
  EXPECT_EQ(taker->room(), 2u) << "the room offered and not used is given back";
  EXPECT_EQ(taker->waiting, 1u);

  for (int i = 1; i <= 3; ++i) worker.accept(event(i), c.callback());
  ASSERT_TRUE(c.wait_for(4));
  ASSERT_TRUE(taker->wait_for_handovers(2));
  std::size_t asked = 0;
  {
    std::lock_guard lock(taker->m);
    for (std::size_t i = 1; i < taker->asked.size(); ++i) asked += taker->asked[i];
    ASSERT_EQ(taker->taken.size(), 2u);
    EXPECT_EQ(taker->taken[0].event_id, "e1");
    EXPECT_EQ(taker->taken[0].attempt, 1);
  }
  EXPECT_EQ(asked, 3u) << "asked for every delivery of the batches";
  EXPECT_EQ(taker->room(), 0u);
  EXPECT_EQ(taker->waiting, 2u) << "told of the one stored without a lease";
  EXPECT_EQ(c.stored, 4u);

  worker.lease_on_accept(nullptr);
  worker.accept(event(4), c.callback());
  ASSERT_TRUE(c.wait_for(5));
  std::vector<Claimed> claimed;
  std::mutex m;
  std::condition_variable cv;
  bool ran = false;
  worker.post([&](Outbox& box) {
    std::lock_guard lock(m);
    claimed = box.claim(std::chrono::system_clock::now() + 1h, 10, 30s);
    ran = true;
    cv.notify_all();
  });
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, 20s, [&] { return ran; }));
  ASSERT_EQ(claimed.size(), 5u) << "past their leases, the leased ones are due with the rest";
}

TEST(StoreWorker, AFailedCommitHandsTheTakerNothingAndAllItsRoomBack) {
  testing::TempDir dir;
  Completions c;
  auto taker = std::make_shared<RecordingTaker>(5);
  StoreWorker worker(std::make_unique<CommitFails>(open_sqlite_outbox(dir.path() + "/relay.db")), 24h);
  worker.lease_on_accept(taker);
  worker.accept(event(1), c.callback());
  ASSERT_TRUE(c.wait_for(1));
  ASSERT_TRUE(taker->wait_for_handovers(1));
  EXPECT_TRUE(taker->taken.empty());
  EXPECT_EQ(taker->room(), 5u);
  EXPECT_EQ(taker->waiting, 0u) << "nothing was stored";
}

TEST(StoreWorker, AnyExceptionIsAStoreFaultAndTheWorkerGoesOn) {
  Completions c;
  StoreWorker worker(std::make_unique<BrokenOutbox>(), 24h);
  worker.accept(event(1), c.callback());
  ASSERT_TRUE(c.wait_for(1));
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0], "unexpected store fault: disk on fire");

  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> failures;
  const auto failed = [&](const std::string& e) {
    std::lock_guard lock(m);
    failures.push_back(e);
    cv.notify_all();
  };
  worker.post([](Outbox& box) { box.backlog(); }, failed);
  worker.post([](Outbox&) { throw 42; }, failed);
  worker.post([](Outbox&) { throw std::out_of_range("index 7"); }, failed);
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, 20s, [&] { return failures.size() == 3; }));
  EXPECT_EQ(failures[0], "unexpected store fault: disk on fire");
  EXPECT_EQ(failures[1], "unexpected store fault: an exception of unknown type");
  EXPECT_EQ(failures[2], "unexpected store fault: index 7");
}

TEST(StoreWorker, TrimsTheLogOnceIdle) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/relay.db";
  Completions c;
  StoreWorker worker(open_sqlite_outbox(path), 24h);
  for (int i = 0; i < 300; ++i) {
    NewEvent e = event(i);
    e.deliveries[0].body = std::string(4096, 'x');
    worker.accept(std::move(e), c.callback());
  }
  ASSERT_TRUE(c.wait_for(300));
  ASSERT_TRUE(c.errors.empty()) << c.errors.front();
  const auto wal_size = [&] {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path + "-wal", ec);
    return ec ? std::uintmax_t{0} : n;
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (wal_size() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);  // polling a bounded condition
  EXPECT_EQ(wal_size(), 0u) << "checkpointed and truncated after a second without work";
}

}  // namespace
}  // namespace relay::store
