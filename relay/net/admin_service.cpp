#include "relay/net/admin_service.hpp"

#include <algorithm>

#include "relay/net/destination_test.hpp"
#include "relay/net/registry_calls.hpp"
#include "relay/net/store_calls.hpp"
#include "relay/observe/overview_json.hpp"

namespace relay::net {

std::optional<std::chrono::seconds> AdminService::login_blocked(const std::string& client) const {
  std::lock_guard lock(login_mutex_);
  return login_failures_.blocked(client, std::chrono::steady_clock::now());
}

void AdminService::count_login_failure(const std::string& client) const {
  std::lock_guard lock(login_mutex_);
  login_failures_.record_failure(client, std::chrono::steady_clock::now());
}

awaitable<Answer> AdminService::overview(const ServingConfig& serving) const {
  std::optional<store::Backlog> backlog;
  if (store_) {
    // Named, not a temporary in the co_await expression: g++ 12 destroys those twice.
    auto reading = on_store(*store_, [&gauge = gauge_](store::Outbox& outbox) {
      store::Backlog b = outbox.backlog();
      gauge.resync(b);
      return b;
    });
    auto reply = co_await std::move(reading);
    if (!reply.error.empty()) co_return error_answer(503, "the outbox cannot be read: " + reply.error);
    backlog = std::move(reply.value);
  }
  std::vector<observe::OverviewDestination> destinations;
  for (const auto& d : serving.pipeline().destinations().all()) {
    const bool paused = std::find(serving.paused.begin(), serving.paused.end(), d->name()) != serving.paused.end();
    std::size_t dead = 0;
    if (backlog) {
      const auto& counted = backlog->dead_by_destination;
      if (const auto it = counted.find(d->name()); it != counted.end()) dead = it->second;
    }
    destinations.push_back({d->name(), paused, dead});
  }
  std::optional<observe::OverviewBacklog> figures;
  if (backlog) figures = observe::OverviewBacklog{backlog->count, backlog->bytes, backlog->dead, backlog->oldest};
  co_return Answer{200, observe::overview_json(activity_, std::chrono::system_clock::now(), figures, destinations),
                   std::nullopt};
}

awaitable<Answer> AdminService::handle(std::string_view method, std::string_view target,
                                       std::string_view authorization, std::string client,
                                       std::shared_ptr<const ServingConfig> serving,
                                       std::shared_ptr<Deliverer> sender, AdminRequest request) const {
  if (const auto wait = login_blocked(client)) {
    Answer answer = error_answer(429, "too many failed admin logins from this address; retry later");
    answer.retry_after = static_cast<unsigned>(wait->count());
    co_return answer;
  }
  const auto now = std::chrono::system_clock::now();
  auto parsed = parse_admin_call(method, target, authorization, token_, now);
  if (auto* answer = std::get_if<Answer>(&parsed)) {
    if (answer->status == 401) count_login_failure(client);
    co_return std::move(*answer);
  }
  const AdminCall call = std::get<AdminCall>(std::move(parsed));

  if (call.kind == AdminCall::Kind::pattern_test) co_return pattern_test_answer(request.body, serving->config->pattern_limits);
  if (call.is_registry()) {
    auto answering = answer_registry_call(call, std::move(request), std::move(client), std::move(serving), store_,
                                          registry_);
    co_return co_await std::move(answering);
  }
  if (call.kind == AdminCall::Kind::status) co_return status_answer(health_.status(), gauge_.stored());
  if (call.kind == AdminCall::Kind::overview) {
    auto answering = overview(*serving);
    co_return co_await std::move(answering);
  }
  if (call.kind == AdminCall::Kind::reload) {
    const ReloadResult reloaded = live_.reload();
    if (reloaded.problems.empty()) replayed_();  // destinations may be paused or resumed
    co_return reload_answer(reloaded.problems, reloaded.changes);
  }
  if (call.kind == AdminCall::Kind::test_destination) {
    auto sending = send_test_event(std::move(sender), serving->pipeline(), call.destination);
    auto attempt = co_await std::move(sending);
    if (!attempt) co_return error_answer(404, "no such destination", call.destination);
    co_return destination_test_answer(call.destination, *attempt);
  }
  if (!store_) co_return error_answer(404, "no outbox in sync mode");
  // Named, not a temporary in the co_await expression: g++ 12 destroys those twice.
  auto answering = on_store(*store_, [call, now, &gauge = gauge_](store::Outbox& outbox) {
    Answer answer = answer_from_store(call, outbox, now);
    if (call.kind == AdminCall::Kind::replay || call.kind == AdminCall::Kind::purge) gauge.resync(outbox.backlog());
    return answer;
  });
  auto reply = co_await std::move(answering);
  if (!reply.error.empty()) co_return error_answer(503, "the outbox cannot be read or written: " + reply.error);
  if (call.kind == AdminCall::Kind::replay) replayed_();
  co_return std::move(reply.value);
}

}  // namespace relay::net
