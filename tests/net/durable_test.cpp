// Queued delivery through the durable outbox, end to end: crashes, a receiver that is down
// or refuses for good, replay, dedupe, backpressure, storage faults, the admin API.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "tests/net/http_test_client.hpp"
#include "tests/net/relay_fixture.hpp"
#include "tests/support/postgres_database.hpp"
#include "tests/support/private_postgres.hpp"

namespace relay::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::string port_of(const std::string& url) { return url.substr(url.rfind(':') + 1); }

// Runs `relay ARGS... --db PATH` and returns its stdout as JSON lines.
std::vector<json::value> relay_json(std::vector<std::string> args, const std::string& db) {
  args.insert(args.begin(), RELAY_BINARY);
  args.insert(args.end(), {"--db", db});
  const auto r = run_process(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json::value> out;
  std::size_t at = 0;
  for (auto nl = r.out.find('\n'); nl != std::string::npos; at = nl + 1, nl = r.out.find('\n', at))
    out.push_back(json::parse(r.out.substr(at, nl - at)));
  return out;
}

// relay_json until it gives `lines` lines (an attempt is recorded just after its answer
// arrives), or the last answer at the deadline.
std::vector<json::value> relay_json_lines(const std::vector<std::string>& args, const std::string& db,
                                          std::size_t lines) {
  std::vector<json::value> out;
  for (const auto deadline = Clock::now() + 10s; Clock::now() < deadline; std::this_thread::sleep_for(20ms)) {
    out = relay_json(args, db);
    if (out.size() == lines) break;
  }
  return out;
}

// Every line `relay sink` prints, read by a thread of its own so that its stdout never
// fills up; counts per task ARN (one per event of ecs_event).
class SinkReader {
 public:
  explicit SinkReader(ChildProcess& sink) : thread_([this, &sink] {
    while (!stop_) {
      auto line = sink.stdout_line(100ms);
      if (!line) continue;
      std::lock_guard lock(mutex_);
      ++seen_[task_arn_of(*line)];
      lines_.push_back(std::move(*line));
    }
  }) {}
  ~SinkReader() {
    stop_ = true;
    thread_.join();
  }

  std::map<std::string, int> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  std::size_t lines() {
    std::lock_guard lock(mutex_);
    return lines_.size();
  }
  // Waits until `done(seen())` or the deadline; the last answer.
  template <class Done>
  bool wait_until(Done done, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!done(seen())) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(20ms);  // polling a bounded condition, not synchronising
    }
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> seen_;
  std::vector<std::string> lines_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string arn(int n) { return "arn:aws:ecs:us-east-1:123456789012:task/example-cluster/t" + std::to_string(n); }

// Waits (up to 60 s) until the sink has seen every acknowledged event, expects it did, and
// returns how many deliveries it got twice or more (at-least-once).
std::size_t expect_every_one_arrives(SinkReader& received, const std::vector<int>& acked) {
  const bool all = received.wait_until(
      [&](const std::map<std::string, int>& seen) {
        return std::all_of(acked.begin(), acked.end(), [&](int n) { return seen.count(arn(n)) != 0; });
      },
      60s);
  const auto seen = received.seen();
  std::size_t missing = 0, duplicates = 0;
  for (int n : acked) missing += seen.count(arn(n)) == 0;
  for (const auto& [id, count] : seen) duplicates += static_cast<std::size_t>(count - 1);
  EXPECT_TRUE(all);
  EXPECT_EQ(missing, 0u);
  return duplicates;
}

std::size_t vm_rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  return 0;
}

TEST(Durable, EveryAcknowledgedEventArrivesAcrossKills) {
  TempDir dir;
  auto sink = start_sink({"--threads", "2"});
  SinkReader received(*sink.process);
  // Short attempts keep the lease (2 x (connect + timeout) + 5 s) of killed deliveries short.
  const auto config = dir.write("relay.yaml", ServeConfig(sink.url)
                                                  .set(&ServeConfig::timeout, "1s")
                                                  .set(&ServeConfig::destination, "    connect_timeout: 1s\n")
                                                  .set(&ServeConfig::store, "{path: " + outbox_path(dir) + "}")
                                                  .yaml());
  auto serve = start_relay({"serve", "--config", config});
  const std::string port = port_of(serve.url);
  const std::string url = serve.url;  // every restart listens there too
  const auto restart = [&] { serve = start_relay({"serve", "--config", config, "--listen", "127.0.0.1:" + port}); };

  constexpr int kClients = 4;
  std::atomic<bool> stop{false};
  std::atomic<int> next{0};
  std::mutex acked_mutex;
  std::vector<int> acked;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&] {
      std::optional<HttpTestClient> client;
      while (!stop) {
        const int n = next++;
        try {
          if (!client) client.emplace(url);
          if (client->post("/events", ecs_event(n)).status == 202) {
            std::lock_guard lock(acked_mutex);
            acked.push_back(n);
          }
        } catch (const std::exception&) {
          client.reset();  // killed mid-request: that event was not acknowledged
          std::this_thread::sleep_for(5ms);
        }
      }
    });

  std::mt19937 random(std::random_device{}());
  constexpr int kKills = 4;
  for (int k = 0; k < kKills; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(500, 2500)(random)));
    serve.process->signal(SIGKILL);
    ASSERT_EQ(serve.process->wait(5s), 128 + SIGKILL);
    restart();
  }
  std::this_thread::sleep_for(1s);
  stop = true;
  for (auto& t : clients) t.join();
#if defined(__SANITIZE_ADDRESS__)
  constexpr std::size_t kEnough = 200;  // the sanitizers slow relay several times over
#else
  constexpr std::size_t kEnough = 1000;
#endif
  ASSERT_GT(acked.size(), kEnough) << "too few events to mean something";

  // Deliveries leased by a killed process are due again when their lease (9 s) ends.
  const std::size_t duplicates = expect_every_one_arrives(received, acked);
  // Duplicates are deliveries the receiver took but whose attempt was not yet recorded
  // when the process was killed: at-least-once.
  std::cout << "[ crash    ] " << kKills << " kills, " << acked.size() << " events acknowledged, "
            << received.lines() << " deliveries received, " << duplicates << " duplicates\n";
}

TEST(Durable, DeliveriesInFlightAtACrashAreSentAtOnceByTheRestartedRelay) {
  TempDir dir;
  constexpr std::size_t kEvents = 10;
  // The receiver holds every request: the deliveries stay in flight, leased for
  // 2 x (connect 5 s + timeout 20 s) + 5 s = 55 s.
  auto holding = start_sink({"--delay-ms", "60000"});
  const auto store = "{path: " + outbox_path(dir) + "}";
  auto serve = start_serve(dir, ServeConfig(holding.url).set(&ServeConfig::timeout, "20s").set(&ServeConfig::store, store));
  HttpTestClient client(serve.url);
  for (std::size_t n = 0; n < kEvents; ++n) ASSERT_EQ(client.post("/events", ecs_event(static_cast<int>(n))).status, 202u);
  ASSERT_EQ(relay_json_lines({"deliveries", "--status", "in_flight"}, outbox_path(dir), kEvents).size(), kEvents);
  serve.process->signal(SIGKILL);
  ASSERT_EQ(serve.process->wait(5s), 128 + SIGKILL);

  auto sink = start_sink();
  SinkReader received(*sink.process);
  const auto restarted = Clock::now();
  auto again = start_serve(dir, ServeConfig(sink.url).set(&ServeConfig::store, store));
  EXPECT_TRUE(received.wait_until([&](const auto& seen) { return seen.size() == kEvents; }, 10s))
      << received.seen().size() << " of " << kEvents << " events arrived within 10 s of the restart";
  std::cout << "[ restart  ] " << kEvents << " deliveries in flight at the kill arrived "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - restarted).count()
            << " ms after the restart\n";
  EXPECT_THAT(again.process->stderr_text(), HasSubstr("deliveries in flight when the last run stopped are due again"));

  // The outbox has one owner: a second relay on the same file is refused, clearly.
  ChildProcess second({RELAY_BINARY, "serve", "--config", dir.path() + "/relay.yaml"});
  EXPECT_TRUE(second.wait_stderr("is in use by another relay serve", 10s));
  EXPECT_EQ(second.wait(10s), 1);
}

TEST(Durable, AReceiverThatIsDownGetsEveryEventFollowingTheSchedule) {
  TempDir dir;
  constexpr int kEvents = 20;
  auto sink = start_sink({"--fail-first", "40"});
  SinkReader received(*sink.process);
  auto serve = start_serve(
      dir, ServeConfig(sink.url).set(&ServeConfig::retry, "{schedule: [100ms, 200ms, 400ms, 800ms, 1600ms], jitter: 0}"));
  HttpTestClient client(serve.url);
  for (int n = 0; n < kEvents; ++n) ASSERT_EQ(client.post("/events", ecs_event(n)).status, 202u);
  ASSERT_TRUE(received.wait_until([](const auto& seen) { return seen.size() == kEvents; }, 20s));

  const auto rows = relay_json_lines({"deliveries", "--status", "delivered"}, outbox_path(dir), kEvents);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kEvents));
  const auto retried = std::find_if(rows.begin(), rows.end(), [](const json::value& r) {
    return r.at("attempts").as_int64() >= 3;
  });
  ASSERT_NE(retried, rows.end()) << "40 refusals for 20 events: some took three attempts";
  const auto log = relay_json({"deliveries", "show", std::to_string(retried->at("id").as_int64())}, outbox_path(dir));
  ASSERT_GE(log.size(), 4u);  // the delivery, then its attempts
  EXPECT_EQ(log[1].at("status"), 503);
  EXPECT_EQ(log[2].at("status"), 503);
  EXPECT_EQ(log.back().at("status"), 200);
  EXPECT_THAT(std::string(log[1].at("response").as_string()), HasSubstr("failure rehearsed"));
  EXPECT_THAT(serve.process->stderr_text(), HasSubstr("status 503; retrying in 200 ms"));
}

TEST(Durable, APermanentFailureIsADeadLetterUntilReplayed) {
  TempDir dir;
  auto refusing = start_sink({"--status", "400"});
  const std::string port = port_of(refusing.url);
  auto serve = start_serve(dir, ServeConfig(refusing.url));
  ASSERT_EQ(HttpTestClient(serve.url).post("/events", ecs_event(1)).status, 202u);
  ASSERT_TRUE(serve.process->wait_stderr("failed for good: status 400", 10s));
  const auto dead = relay_json_lines({"dlq", "list"}, outbox_path(dir), 1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].at("attempts"), 1);

  // The receiver is fixed (on the same address); the operator replays while serve runs.
  refusing.process->signal(SIGTERM);
  ASSERT_TRUE(refusing.process->wait(5s));
  auto fixed = start_relay({"sink", "--listen", "127.0.0.1:" + port, "--secret", kSinkSecret});
  const auto replay = run_process({RELAY_BINARY, "dlq", "replay", "--all", "--db", outbox_path(dir)});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_EQ(replay.out, "1\n");
  const auto lines = sink_lines(*fixed.process, 1, 10s);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(task_arn_of(lines[0]), arn(1));

  const auto log =
      relay_json_lines({"deliveries", "show", std::to_string(dead[0].at("id").as_int64())}, outbox_path(dir), 3);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].at("state"), "delivered");
  EXPECT_EQ(log[1].at("status"), 400);
  EXPECT_EQ(log[2].at("status"), 200);
}

TEST(Durable, APausedDestinationKeepsItsDeliveriesPendingUntilResumed) {
  TempDir dir;
  auto sink = start_sink();
  ServeConfig config(sink.url);
  config.destination = "    paused: true\n";
  {
    auto paused = start_serve(dir, config);
    HttpTestClient client(paused.url);
    for (int i = 1; i <= 3; ++i) ASSERT_EQ(client.post("/events", ecs_event(i)).status, 202u);
    const auto pending = relay_json_lines({"deliveries", "--status", "pending"}, outbox_path(dir), 3);
    ASSERT_EQ(pending.size(), 3u);
    for (const auto& d : pending) EXPECT_EQ(d.at("attempts"), 0);
    EXPECT_FALSE(sink.process->stdout_line(500ms)) << "a paused destination was sent to";
    paused.process->signal(SIGTERM);
    ASSERT_TRUE(paused.process->wait(10s));
  }
  config.destination.clear();
  auto resumed = start_serve(dir, config);
  EXPECT_EQ(sink_lines(*sink.process, 3, 10s).size(), 3u);
}

TEST(Durable, TheSameEventIdTwiceIsDeliveredOnce) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig(sink.url));
  HttpTestClient client(serve.url);
  ASSERT_EQ(client.post("/events", ecs_event(7)).status, 202u);
  ASSERT_EQ(client.post("/events", ecs_event(7)).status, 202u) << "a duplicate is acknowledged";
  EXPECT_EQ(sink_lines(*sink.process, 1, 5s).size(), 1u);
  EXPECT_FALSE(sink.process->stdout_line(500ms)) << "delivered twice";
}

TEST(Durable, AStalledReceiverTurnsIngressTo429AtTheBoundWithFlatMemory) {
  TempDir dir;
  auto stalled = start_sink({"--delay-ms", "30000"});
  auto serve = start_serve(dir, ServeConfig(stalled.url).set(&ServeConfig::delivery, "{mode: queued, max_backlog: 300}"));
  HttpTestClient client(serve.url);
  int accepted = 0, n = 0;
  for (; accepted < 100; ++n) accepted += client.post("/events", ecs_event(n)).status == 202;
  const std::size_t rss_before = vm_rss_kb(serve.process->pid());
  int refused = 0;
  for (int i = 0; i < 3000; ++i, ++n) {
    const HttpReply r = client.post("/events", ecs_event(n));
    if (r.status == 202) {
      ++accepted;
      continue;
    }
    ASSERT_EQ(r.status, 429u) << r.body;
    EXPECT_EQ(r.headers.at("retry-after"), "1");
    ++refused;
  }
  const std::size_t rss_after = vm_rss_kb(serve.process->pid());
  EXPECT_EQ(accepted, 300);
  EXPECT_EQ(refused, 2800);
#ifndef __SANITIZE_ADDRESS__  // its quarantine keeps freed memory resident
  EXPECT_LT(rss_after, rss_before + 8 * 1024) << "RSS grew from " << rss_before << " kB to " << rss_after << " kB";
#endif
  std::cout << "[ memory   ] VmRSS " << rss_before << " kB after 100 accepted, " << rss_after
            << " kB after 300 accepted and 2800 refused\n";
}

TEST(Durable, AFullDatabaseAnswers503AndAcknowledgesNothingItCouldNotStore) {
  TempDir dir;
  auto stalled = start_sink({"--delay-ms", "30000"});
  auto serve = start_serve(dir, ServeConfig(stalled.url)
                                    .set(&ServeConfig::store, "{path: " + outbox_path(dir) + ", max_bytes: 131072}")
                                    .set(&ServeConfig::admin, "{token: t0k}"));
  HttpTestClient client(serve.url);
  std::vector<std::string> acknowledged;
  int unavailable = 0;
  for (int n = 0; n < 300 && unavailable < 20; ++n) {
    const HttpReply r = client.post("/events", ecs_event(n));
    if (r.status == 202) {
      acknowledged.push_back(arn(n));
    } else {
      ASSERT_EQ(r.status, 503u) << r.body;
      EXPECT_EQ(r.headers.at("retry-after"), "1");
      ++unavailable;
    }
  }
  ASSERT_EQ(unavailable, 20) << "the database never filled up";
  ASSERT_FALSE(acknowledged.empty());
  const HttpReply status = client.get("/admin/status", {{"authorization", "Bearer t0k"}});
  EXPECT_EQ(status.status, 503u);
  EXPECT_EQ(json::parse(status.body).at_pointer("/store/writable"), false);
  EXPECT_THAT(std::string(json::parse(status.body).at_pointer("/store/error").as_string()), HasSubstr("full"));
  const HttpReply ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 503u);
  EXPECT_EQ(json::parse(ready.body).at("ready"), false);
  EXPECT_EQ(client.get("/healthz").status, 200u) << "alive, though not ready";

  serve.process->signal(SIGKILL);
  ASSERT_TRUE(serve.process->wait(5s));
  const auto rows = relay_json({"deliveries", "--limit", "1000"}, outbox_path(dir));
  EXPECT_EQ(rows.size(), acknowledged.size()) << "exactly the acknowledged events are stored";
}

TEST(Durable, ADatabaseLockedTooLongAnswers503UntilItIsFree) {
  TempDir dir;
  auto sink = start_sink();
  auto serve = start_serve(dir, ServeConfig(sink.url).set(
                                    &ServeConfig::store, "{path: " + outbox_path(dir) + ", busy_timeout: 200ms}"));
  HttpTestClient client(serve.url);
  ASSERT_EQ(client.post("/events", ecs_event(1)).status, 202u);
  {
    ChildProcess locker({"python3", "-c",
                         "import sqlite3, sys, time\n"
                         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                         "c.execute('BEGIN IMMEDIATE')\n"
                         "print('locked', flush=True)\n"
                         "time.sleep(30)\n",
                         outbox_path(dir)});
    ASSERT_EQ(locker.stdout_line(10s), "locked");
    const HttpReply r = client.post("/events", ecs_event(2));
    EXPECT_EQ(r.status, 503u) << r.body;
  }  // the locker is killed: the lock is free
  EXPECT_EQ(client.post("/events", ecs_event(3)).status, 202u);
  EXPECT_EQ(serve.process->wait(0ms), std::nullopt) << "still running";
  const auto lines = sink_lines(*sink.process, 2, 10s);
  EXPECT_EQ(lines.size(), 2u);
  EXPECT_FALSE(sink.process->stdout_line(300ms)) << "the refused event was delivered";
}

TEST(Durable, TheAdminApiNeedsItsTokenListsAndReplays) {
  TempDir dir;
  auto refusing = start_sink({"--status", "400"});
  auto serve = start_serve(dir, ServeConfig(refusing.url).set(&ServeConfig::admin, "{token: t0k}"));
  HttpTestClient client(serve.url);
  const Headers auth{{"authorization", "Bearer t0k"}};
  EXPECT_EQ(client.get("/admin/deliveries").status, 401u);
  EXPECT_EQ(client.get("/admin/deliveries", {{"authorization", "Bearer t0j"}}).status, 401u);

  ASSERT_EQ(client.post("/events", ecs_event(1)).status, 202u);
  ASSERT_TRUE(serve.process->wait_stderr("failed for good", 10s));
  ASSERT_EQ(relay_json_lines({"dlq", "list"}, outbox_path(dir), 1).size(), 1u);
  HttpReply r = client.get("/admin/dlq?destination=webhook", auth);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto dead = json::parse(r.body).at("dead_letters").as_array();
  ASSERT_EQ(dead.size(), 1u);
  const std::string id = std::to_string(dead[0].at("id").as_int64());
  EXPECT_EQ(client.get("/admin/deliveries?status=dead&route=ecs", auth).body, r.body.replace(2, 12, "deliveries"));
  EXPECT_EQ(client.post("/admin/dlq/replay", "", auth, true, "").status, 400u) << "needs an id, filters or all";

  r = client.post("/admin/dlq/replay?id=" + id, "", auth, true, "");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"replayed": 1})"));
  const auto failed_again = serve.process->wait_stderr("delivery failed for good", 10s);
  ASSERT_TRUE(failed_again);
  EXPECT_THAT(*failed_again, HasSubstr("\"attempt\":2"));
  const auto dead_again = relay_json_lines({"dlq", "list"}, outbox_path(dir), 1);  // recorded after the log line
  ASSERT_EQ(dead_again.size(), 1u);
  r = client.get("/admin/deliveries/" + id, auth);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(json::parse(r.body).at("attempts").as_array().size(), 2u);

  r = client.post("/admin/destinations/webhook/test", "", auth, true, "");
  EXPECT_EQ(r.status, 502u);
  EXPECT_EQ(json::parse(r.body).at("status"), 400);
  EXPECT_EQ(client.post("/admin/destinations/nowhere/test", "", auth, true, "").status, 404u);
}

TEST(Durable, DestinationsTestSendsASignedTestEvent) {
  TempDir dir;
  auto sink = start_sink();
  const auto config = dir.write("relay.yaml", ServeConfig(sink.url).yaml());
  const auto r = run_process({RELAY_BINARY, "destinations", "test", "webhook", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).at("status"), 200);
  const auto line = sink.process->stdout_line(5s);  // the sink verified the signature
  ASSERT_TRUE(line);
  EXPECT_EQ(json::parse(*line).at("detail-type"), "relay test event");
  EXPECT_EQ(run_process({RELAY_BINARY, "destinations", "test", "nowhere", "--config", config}).exit_code, 2);
}


// One client per relay posting fresh events as fast as it is answered, keeping which were
// acknowledged; a client whose relay is gone stops.
class LoadOnRelays {
 public:
  explicit LoadOnRelays(const std::vector<Listening>& relays) {
    for (const auto& relay : relays)
      clients_.emplace_back([this, url = relay.url] {
        std::optional<HttpTestClient> client;
        while (!stop_) {
          const int n = next_++;
          try {
            if (!client) client.emplace(url);
            const auto status = client->post("/events", ecs_event(n)).status;
            std::lock_guard lock(mutex_);
            (status == 202 ? acked_ : refused_).push_back(n);
            grew_.notify_all();
          } catch (const std::exception&) {
            return;  // this relay was killed: nothing more is acknowledged by it
          }
        }
      });
  }
  ~LoadOnRelays() { stop(); }

  bool wait_for_acks(std::size_t n) { return wait([&] { return acked_.size() >= n; }); }
  bool wait_for_refusals(std::size_t n) { return wait([&] { return refused_.size() >= n; }); }
  std::size_t acked_so_far() {
    std::lock_guard lock(mutex_);
    return acked_.size();
  }
  void stop() {
    stop_ = true;
    for (auto& t : clients_)
      if (t.joinable()) t.join();
  }
  // Read after stop().
  const std::vector<int>& acked() const { return acked_; }
  std::size_t refused() const { return refused_.size(); }

 private:
  template <typename Condition>
  bool wait(Condition done) {
    std::unique_lock lock(mutex_);
    return grew_.wait_for(lock, 60s, done);
  }

  std::atomic<bool> stop_{false};
  std::atomic<int> next_{0};
  std::mutex mutex_;
  std::condition_variable grew_;
  std::vector<int> acked_, refused_;
  std::vector<std::thread> clients_;
};

std::vector<Listening> relays_on(const std::string& database_url, const std::string& sink_url,
                                 std::vector<std::unique_ptr<TempDir>>& dirs, int count) {
  std::vector<Listening> relays;
  for (int r = 0; r < count; ++r) {
    dirs.push_back(std::make_unique<TempDir>());
    relays.push_back(start_serve(*dirs.back(), ServeConfig(sink_url)
                                                   .set(&ServeConfig::timeout, "1s")
                                                   .set(&ServeConfig::destination, "    connect_timeout: 1s\n")
                                                   .set(&ServeConfig::store, "{type: postgres, url: \"" + database_url + "\"}")));
  }
  return relays;
}

// Three relays on one PostgreSQL outbox under load from a client each: one is killed -9
// mid-flight and every connection to the database is cut once; every event a relay
// acknowledged still arrives (the killed one's leases run out and the others send them).
TEST(SharedOutbox, EveryAcknowledgedEventArrivesWhenARelayIsKilledAndTheDatabaseConnectionsAreCut) {
  PostgresDatabase database;
  auto sink = start_sink({"--threads", "2"});
  SinkReader received(*sink.process);
  std::vector<std::unique_ptr<TempDir>> dirs;
  auto relays = relays_on(database.url(), sink.url, dirs, 3);
  LoadOnRelays load(relays);

  ASSERT_TRUE(load.wait_for_acks(150));
  relays[0].process->signal(SIGKILL);
  ASSERT_EQ(relays[0].process->wait(5s), 128 + SIGKILL);
  ASSERT_TRUE(load.wait_for_acks(300));
  PostgresDatabase::admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                          database.name() + "'");
  ASSERT_TRUE(load.wait_for_acks(450));
  load.stop();

  const std::size_t duplicates = expect_every_one_arrives(received, load.acked());
  std::cout << "[ shared   ] 3 relays, one killed, connections cut: " << load.acked().size()
            << " events acknowledged, " << load.refused() << " refused, " << received.lines()
            << " deliveries received, " << duplicates << " duplicates\n";
}

// Three relays on a PostgreSQL server that is shut down and started again under load:
// ingress refuses while it is down, and every event acknowledged before, during or after
// arrives once it is back.
TEST(SharedOutbox, EveryAcknowledgedEventArrivesAcrossADatabaseRestart) {
  PrivatePostgres server;
  auto sink = start_sink({"--threads", "2"});
  SinkReader received(*sink.process);
  std::vector<std::unique_ptr<TempDir>> dirs;
  auto relays = relays_on(server.url(), sink.url, dirs, 3);
  LoadOnRelays load(relays);

  ASSERT_TRUE(load.wait_for_acks(150));
  server.stop();
  ASSERT_TRUE(load.wait_for_refusals(20));
  server.start();
  ASSERT_TRUE(load.wait_for_acks(load.acked_so_far() + 150));
  load.stop();

  const std::size_t duplicates = expect_every_one_arrives(received, load.acked());
  std::cout << "[ shared   ] 3 relays, database restarted: " << load.acked().size() << " events acknowledged, "
            << load.refused() << " refused, " << received.lines() << " deliveries received, " << duplicates
            << " duplicates\n";
}

// The database refuses connections for a while (as when it restarts): ingress answers 503
// and /readyz says not ready, nothing refused is delivered, and both recover when it is back.
TEST(SharedOutbox, WhileTheDatabaseIsUnreachableIngressAnswers503AndReadyzSaysSoThenBothRecover) {
  PostgresDatabase database;
  auto sink = start_sink();
  SinkReader received(*sink.process);
  TempDir dir;
  auto serve = start_serve(dir, ServeConfig(sink.url).set(&ServeConfig::store,
                                                          "{type: postgres, url: \"" + database.url() + "\"}"));
  HttpTestClient client(serve.url);
  ASSERT_EQ(client.post("/events", ecs_event(1)).status, 202u);

  PostgresDatabase::admin("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS false");
  PostgresDatabase::admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                          database.name() + "'");
  // Each try is a request to relay, which paces the loop; the deadline bounds it.
  const auto until = [](auto condition) {
    for (const auto deadline = Clock::now() + 15s; Clock::now() < deadline;)
      if (condition()) return true;
    return false;
  };
  int n = 100;
  std::vector<int> refused;
  EXPECT_TRUE(until([&] {
    if (client.post("/events", ecs_event(n)).status != 503) return ++n, false;
    refused.push_back(n++);
    return true;
  }));
  EXPECT_TRUE(until([&] { return client.get("/readyz").status == 503; }));

  PostgresDatabase::admin("ALTER DATABASE " + database.name() + " ALLOW_CONNECTIONS true");
  EXPECT_TRUE(until([&] { return client.get("/readyz").status == 200; }));
  ASSERT_EQ(client.post("/events", ecs_event(2)).status, 202u);
  EXPECT_TRUE(received.wait_until([](const auto& seen) { return seen.count(arn(1)) && seen.count(arn(2)); }, 15s));
  const auto seen = received.seen();
  for (int i : refused) EXPECT_EQ(seen.count(arn(i)), 0u) << "event " << i << " was refused";
}

}  // namespace
}  // namespace relay::testing
