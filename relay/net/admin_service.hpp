#pragma once
// The admin API as a server thread runs it: the plain functions of admin_api.hpp, with
// store calls awaited on the store worker and test events sent through the thread's pools.
// Failed logins are limited per client address: after kMaxLoginFailures within a minute,
// that address gets 429 with Retry-After until the minute has passed. Any server thread
// may call.
#include <functional>
#include <memory>
#include <mutex>

#include "relay/core/failure_limiter.hpp"

#include "relay/net/admin_api.hpp"
#include "relay/net/live_config.hpp"
#include "relay/net/registry_calls.hpp"
#include "relay/observe/activity.hpp"
#include "relay/store/store_worker.hpp"

namespace relay::net {

class AdminService {
 public:
  // `store` is null in sync mode (no outbox: only status, destination tests and reload work).
  // `replayed` runs after a replay made dead letters due, or a reload (to wake the scheduler).
  // `activity`: what the overview shows of the relay's work. `registry` is null without a
  // store or a config file: registry calls answer 409 then.
  AdminService(std::string token, store::StoreWorker* store, StoreHealth& health, BacklogGauge& gauge,
               const observe::Activity& activity, LiveConfig& live, std::function<void()> replayed,
               RegistryWatch* registry = nullptr)
      : token_(std::move(token)),
        store_(store),
        health_(health),
        gauge_(gauge),
        activity_(activity),
        live_(live),
        replayed_(std::move(replayed)),
        registry_(registry) {}

  static constexpr std::size_t kMaxLoginFailures = 10;

  // `client`: the address the request came from; `serving`: the config the request is
  // served with, `sender` its sender for this thread. A reload or a registry change blocks
  // this thread until it is served.
  awaitable<Answer> handle(std::string_view method, std::string_view target, std::string_view authorization,
                           std::string client, std::shared_ptr<const ServingConfig> serving,
                           std::shared_ptr<Deliverer> sender, AdminRequest request = {}) const;

  // The login limiter, shared with the console's login form.
  std::optional<std::chrono::seconds> login_blocked(const std::string& client) const;
  void count_login_failure(const std::string& client) const;

 private:
  // GET /admin/overview: the backlog read afresh from the outbox (none in sync mode).
  awaitable<Answer> overview(const ServingConfig& serving) const;

  std::string token_;
  store::StoreWorker* store_;
  StoreHealth& health_;
  BacklogGauge& gauge_;
  const observe::Activity& activity_;
  LiveConfig& live_;
  std::function<void()> replayed_;
  RegistryWatch* registry_;
  mutable std::mutex login_mutex_;
  mutable core::FailureLimiter login_failures_{kMaxLoginFailures, std::chrono::minutes(1)};
};

}  // namespace relay::net
