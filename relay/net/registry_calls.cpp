#include "relay/net/registry_calls.hpp"

#include "relay/net/registry_api.hpp"
#include "relay/net/store_calls.hpp"

namespace relay::net {

namespace {

Answer store_unavailable(const std::string& error) {
  return error_answer(503, "the outbox cannot be read or written: " + error);
}

}  // namespace

// g++ 12 takes asio's frame allocation (aligned_alloc) and the frame's own operator delete,
// which frees it, for a mismatched pair once it inlines them here: a false positive.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
awaitable<Answer> answer_registry_call(AdminCall call, AdminRequest request, std::string client,
                                       std::shared_ptr<const ServingConfig> serving, store::StoreWorker* store,
                                       RegistryWatch* registry) {
  using Kind = AdminCall::Kind;
  using config::RegistryVerdict;
  if (!store || !registry)
    co_return error_answer(409, "the live registry needs a store (delivery.mode: queued) and a config file "
                                "(relay serve --config)");
  if (call.kind == Kind::audit) {
    auto reading = on_store(*store, [limit = call.filter.limit](store::Outbox& outbox) { return outbox.audit(limit); });
    auto audit = co_await std::move(reading);
    if (!audit.error.empty()) co_return store_unavailable(audit.error);
    co_return audit_answer(audit.value);
  }
  auto reading = on_store(*store, [](store::Outbox& outbox) { return outbox.registry(); });
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
    auto body = parse_entry_body(request.body);
    if (auto* refused = std::get_if<Answer>(&body)) co_return std::move(*refused);
    verdict = config::judge_put(current, rows.value, call.entry, call.name, std::get<boost::json::value>(body));
  } else {
    verdict = config::judge_delete(current, rows.value, call.entry, call.name);
  }
  if (verdict.outcome != RegistryVerdict::Outcome::ok) co_return refused_answer(verdict);

  const std::string kind(config::kind_name(call.entry));
  store::RegistryChange change{kind, call.name, verdict.spec, std::get<std::optional<std::int64_t>>(expectation),
                               {std::chrono::system_clock::now(), std::move(client), put ? "put" : "delete", kind,
                                call.name, verdict.audit_spec}};
  auto writing = on_store(*store, [change = std::move(change)](store::Outbox& outbox) {
    return outbox.change_registry(change);
  });
  auto written = co_await std::move(writing);
  if (!written.error.empty()) co_return store_unavailable(written.error);
  if (!written.value.done)
    co_return put || written.value.version ? stale_answer(written.value.version)
                                            : error_answer(404, "no registry " + kind + " named " + call.name);
  const ReloadResult served = registry->check();  // serve it now, not at the next poll
  if (!put) co_return Answer{204, {}, std::nullopt};
  co_return registry_put_answer(call.name, written.value.version, version == 0, served.problems);
}
#pragma GCC diagnostic pop

}  // namespace relay::net
