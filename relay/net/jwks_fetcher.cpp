#include "relay/net/jwks_fetcher.hpp"

#include "relay/net/http_client.hpp"
#include "relay/net/http_fetch.hpp"
#include "relay/net/log.hpp"

namespace relay::net {

JwksFetcher::JwksFetcher(JwksFetchOptions options, std::shared_ptr<jwt::KeyCache> cache)
    : options_(std::move(options)),
      cache_(std::move(cache)),
      shown_url_((options_.url.tls ? "https://" : "http://") + options_.url.host_header() + options_.url.target) {
  if (options_.url.tls) tls_ = client_tls_context(options_.ca_file);
}

JwksFetcher::~JwksFetcher() { stop(); }

void JwksFetcher::start() {
  cache_->set_refresher(
      [this] {
        asio::post(io_, [this] {
          refresh_asked_ = true;
          wait_.cancel();
        });
      },
      options_.min_refresh);
  asio::co_spawn(io_, run(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

void JwksFetcher::stop() {
  cache_->set_refresher({}, options_.min_refresh);
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t JwksFetcher::fetches_finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

bool JwksFetcher::wait_fetches(std::uint64_t count, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return finished_changed_.wait_until(lock, deadline, [&] { return finished_ >= count; });
}

awaitable<void> JwksFetcher::run() {
  for (;;) {
    refresh_asked_ = false;
    co_await fetch_once();
    if (refresh_asked_) continue;  // asked while the fetch ran
    wait_.expires_after(cache_->keys() ? options_.period : options_.retry);
    co_await wait_.async_wait();  // ends early (cancelled) when a refresh is asked
  }
}

awaitable<void> JwksFetcher::fetch_once() {
  FetchRequest request;
  request.url = options_.url;
  request.headers = {{"Accept", "application/json"}};
  request.timeout = options_.timeout;
  const FetchResult got = co_await fetch(io_, request, tls_);
  std::string problem;
  if (got.status != 200)
    problem = got.status ? "answered HTTP " + std::to_string(got.status) : got.error;
  else if (auto why = cache_->store_jwks(got.body))
    problem = std::move(*why);
  if (problem.empty()) {
    const auto keys = cache_->keys();
    log(observe::LogLevel::info, "jwt: key set fetched",
        {{"url", shown_url_}, {"keys", static_cast<std::int64_t>(keys->keys.size())},
         {"skipped", static_cast<std::int64_t>(keys->skipped.size())}});
    for (const auto& skipped : keys->skipped) log(observe::LogLevel::debug, "jwt: key passed over: " + skipped);
  } else {
    log(observe::LogLevel::warn,
        cache_->keys() ? "jwt: key set fetch failed, keeping the keys fetched before"
                       : "jwt: key set fetch failed, no keys yet (JWT requests get 503)",
        {{"url", shown_url_}, {"error", problem}});
  }
  {
    std::lock_guard lock(mutex_);
    ++finished_;
  }
  finished_changed_.notify_all();
}

std::shared_ptr<jwt::KeyCache> start_jwt_keys(const config::IngressConfig& ingress, const std::string& own_jwks,
                                              std::vector<std::unique_ptr<JwksFetcher>>& fetchers) {
  if (ingress.auth != config::IngressAuth::jwt) return nullptr;
  auto cache = std::make_shared<jwt::KeyCache>();
  if (!ingress.jwt.jwks_url) {
    if (auto refused = cache->store_jwks(own_jwks))
      throw std::logic_error("relay's own JWKS does not read back: " + *refused);
    return cache;
  }
  fetchers.push_back(
      std::make_unique<JwksFetcher>(JwksFetchOptions{*ingress.jwt.jwks_url, ingress.jwt.ca_file}, cache));
  fetchers.back()->start();
  // Serving starts once the first fetch has ended (or could not within its timeout), so the
  // first tokens are judged rather than answered 503.
  const JwksFetchOptions defaults;
  fetchers.back()->wait_fetches(1, std::chrono::steady_clock::now() + defaults.timeout);
  return cache;
}

}  // namespace relay::net
