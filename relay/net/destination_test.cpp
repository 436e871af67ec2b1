#include "relay/net/destination_test.hpp"

#include <boost/json/serialize.hpp>

#include "relay/core/utc_time.hpp"

namespace relay::net {

namespace json = boost::json;

std::string test_event(std::string_view id, std::string_view destination, std::chrono::system_clock::time_point now) {
  const json::object event{
      {"version", "0"},
      {"id", id},
      {"detail-type", "relay test event"},
      {"source", "relay"},
      {"account", ""},
      {"time", core::format_utc_millis(now)},
      {"region", ""},
      {"resources", json::array{}},
      {"detail", json::object{{"message", "a test event from relay to check this destination"},
                              {"destination", destination}}}};
  return json::serialize(event);
}

awaitable<std::optional<TestAttempt>> send_test_event(std::shared_ptr<Deliverer> sender,
                                                      const pipeline::Pipeline& pipeline, std::string destination) {
  const auto now = std::chrono::system_clock::now();
  const std::string id =
      "relay-test-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  const auto* dest = pipeline.destinations().find(destination);
  if (!dest) co_return std::nullopt;
  const std::string body = test_event(id, destination, now);
  // Sent as the raw handler sends an event: an EventBridge destination forwards it as it is.
  const destination::Item item{{id, "relay-test", destination}, "raw", "application/json", body};
  if (auto measured = dest->measure(item); auto* refusal = std::get_if<std::string>(&measured))
    co_return TestAttempt{false, 0, std::move(*refusal), {}, {}};
  const auto started = std::chrono::steady_clock::now();
  SendResult sent = co_await sender->send(*dest, {&item, 1});
  auto& outcome = sent.outcomes.front();
  co_return TestAttempt{outcome.verdict == destination::Verdict::delivered, sent.attempt.status,
                        outcome.error.empty() ? std::move(sent.attempt.error) : std::move(outcome.error),
                        std::move(outcome.response),
                        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)};
}

std::optional<TestAttempt> test_destination(const config::Config& config, const std::string& destination) {
  asio::io_context io;
  const std::vector<Endpoint> endpoints = endpoints_from(config);
  auto sender = std::make_shared<Deliverer>(io, endpoints, 1);
  std::optional<TestAttempt> result;
  asio::co_spawn(io, send_test_event(sender, *config.pipeline, destination),
                 [&](std::exception_ptr e, std::optional<TestAttempt> r) {
                   if (e) std::rethrow_exception(e);
                   result = std::move(r);
                 });
  io.run();
  return result;
}

}  // namespace relay::net
