#pragma once
// Keeps a JWT door's key cache filled from its jwks_url: a fetch at start, then every
// `period`, and again when the cache asks (a token with an unknown kid, or no keys yet; at
// most once per `min_refresh`). A failed fetch keeps the last good set, is logged, and is
// tried again after `retry`. Runs on its own thread, so a slow identity provider never holds
// up a server thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "relay/config/config.hpp"
#include "relay/jwt/key_cache.hpp"
#include "relay/net/asio.hpp"

namespace relay::net {

struct JwksFetchOptions {
  config::HttpUrl url;
  std::optional<std::string> ca_file;  // PEM CAs trusted instead of the system's
  std::chrono::seconds period{600};
  std::chrono::milliseconds retry{60000};
  std::chrono::seconds min_refresh{60};
  std::chrono::milliseconds timeout{5000};  // one fetch, whole
};

class JwksFetcher {
 public:
  // Throws std::runtime_error when the CA file cannot be read.
  JwksFetcher(JwksFetchOptions options, std::shared_ptr<jwt::KeyCache> cache);
  ~JwksFetcher();  // stop()
  JwksFetcher(const JwksFetcher&) = delete;
  JwksFetcher& operator=(const JwksFetcher&) = delete;

  // Starts the first fetch and the schedule. Once.
  void start();
  // Ends the thread; a fetch under way is abandoned. The cache keeps its keys but asks
  // nobody to refresh them any more. Idempotent.
  void stop();

  // Fetches finished so far (succeeded or failed), and waiting for a count: for tests and
  // for callers that want the first outcome. Any thread.
  std::uint64_t fetches_finished() const;
  bool wait_fetches(std::uint64_t count, std::chrono::steady_clock::time_point deadline) const;

 private:
  awaitable<void> run();
  awaitable<void> fetch_once();

  const JwksFetchOptions options_;
  const std::shared_ptr<jwt::KeyCache> cache_;
  const std::string shown_url_;  // for logs
  std::shared_ptr<ssl::context> tls_;
  asio::io_context io_;
  timer_t wait_{io_};
  bool refresh_asked_ = false;  // on the fetcher's thread only
  std::thread thread_;

  mutable std::mutex mutex_;
  mutable std::condition_variable finished_changed_;
  std::uint64_t finished_ = 0;
};

// The key cache of `ingress`'s door when it is jwt, its fetcher started and added to
// `fetchers` (which stop when destroyed); null for the other schemes. A door without
// jwks_url holds `own_jwks` (relay's token endpoint's keys) and fetches nothing. Returns
// once the first fetch has ended, or after its timeout.
std::shared_ptr<jwt::KeyCache> start_jwt_keys(const config::IngressConfig& ingress, const std::string& own_jwks,
                                              std::vector<std::unique_ptr<JwksFetcher>>& fetchers);

}  // namespace relay::net
