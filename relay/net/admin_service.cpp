#include "relay/net/admin_service.hpp"

#include <boost/json/parse.hpp>

#include "relay/net/destination_test.hpp"
#include "relay/net/registry_api.hpp"
#include "relay/net/store_calls.hpp"

namespace relay::net {

std::optional<std::chrono::seconds> AdminService::login_blocked(const std::string& client) const {
  std::lock_guard lock(login_mutex_);
  return login_failures_.blocked(client, std::chrono::steady_clock::now());
}

void AdminService::count_login_failure(const std::string& client) const {
  std::lock_guard lock(login_mutex_);
  login_failures_.record_failure(client, std::chrono::steady_clock::now());
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

  if (call.is_registry()) {
    auto answering = registry_call(call, std::move(request), std::move(client), std::move(serving));
    co_return co_await std::move(answering);
  }
  if (call.kind == AdminCall::Kind::status) co_return status_answer(health_.status(), gauge_.stored());
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
    if (call.kind == AdminCall::Kind::replay) gauge.resync(outbox.backlog());
    return answer;
  });
  auto reply = co_await std::move(answering);
  if (!reply.error.empty()) co_return error_answer(503, "the outbox cannot be read or written: " + reply.error);
  if (call.kind == AdminCall::Kind::replay) replayed_();
  co_return std::move(reply.value);
}

namespace {

Answer store_unavailable(const std::string& error) {
  return error_answer(503, "the outbox cannot be read or written: " + error);
}

}  // namespace

awaitable<Answer> AdminService::registry_call(AdminCall call, AdminRequest request, std::string client,
                                              std::shared_ptr<const ServingConfig> serving) const {
  using Kind = AdminCall::Kind;
  using config::RegistryVerdict;
  if (!store_ || !registry_ || !live_.takes_registry())
    co_return error_answer(409, "the live registry needs a store (delivery.mode: queued) and a config file "
                                "(relay serve --config)");
  if (call.kind == Kind::audit) {
    auto reading = on_store(*store_, [limit = call.filter.limit](store::Outbox& outbox) { return outbox.audit(limit); });
    auto audit = co_await std::move(reading);
    if (!audit.error.empty()) co_return store_unavailable(audit.error);
    co_return audit_answer(audit.value);
  }
  auto reading = on_store(*store_, [](store::Outbox& outbox) { return outbox.registry(); });
  auto rows = co_await std::move(reading);
  if (!rows.error.empty()) co_return store_unavailable(rows.error);
  const config::Config& current = *serving->config;
  if (call.kind == Kind::registry_list) co_return registry_list_answer(current, rows.value, call.entry);
  if (call.kind == Kind::registry_get) co_return registry_entry_answer(current, rows.value, call.entry, call.name);

  const std::int64_t version = version_in(rows.value, call.entry, call.name);
  auto expectation = expected_version(request.if_match, request.if_none_match, version);
  if (auto* refused = std::get_if<Answer>(&expectation)) co_return std::move(*refused);
  const bool put = call.kind == Kind::registry_put;
  RegistryVerdict verdict;
  if (put) {
    boost::system::error_code ec;
    const auto body = boost::json::parse(request.body, ec);
    if (ec) co_return error_answer(400, "the body is not JSON: " + ec.message());
    verdict = config::judge_put(current, rows.value, call.entry, call.name, body);
  } else {
    verdict = config::judge_delete(current, rows.value, call.entry, call.name);
  }
  if (verdict.outcome != RegistryVerdict::Outcome::ok) co_return refused_answer(verdict);

  const std::string kind(config::kind_name(call.entry));
  store::RegistryChange change{kind, call.name, verdict.spec, std::get<std::optional<std::int64_t>>(expectation),
                               {std::chrono::system_clock::now(), std::move(client), put ? "put" : "delete", kind,
                                call.name, verdict.audit_spec}};
  auto writing = on_store(*store_, [change = std::move(change)](store::Outbox& outbox) {
    return outbox.change_registry(change);
  });
  auto written = co_await std::move(writing);
  if (!written.error.empty()) co_return store_unavailable(written.error);
  if (!written.value.done)
    co_return put || written.value.version ? stale_answer(written.value.version)
                                            : error_answer(404, "no registry " + kind + " named " + call.name);
  const ReloadResult served = registry_->check();  // serve it now, not at the next poll
  if (!put) co_return Answer{204, {}, std::nullopt};
  co_return registry_put_answer(call.name, written.value.version, version == 0, served.problems);
}

}  // namespace relay::net
