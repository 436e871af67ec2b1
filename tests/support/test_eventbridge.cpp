#include "tests/support/test_eventbridge.hpp"

#include "tests/support/npm_packages.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace relay::testing {

namespace json = boost::json;

namespace {

json::object with_keys(json::object script) {
  script["access_key_id"] = kTestAccessKeyId;
  script["secret_access_key"] = kTestSecretAccessKey;
  script["region"] = kTestRegion;
  return script;
}

}  // namespace

std::string eventbridge_npm_modules() {
  return npm_packages({"@smithy/signature-v4@5.7.5", "@smithy/protocol-http@5.6.2", "@smithy/hash-node@4.5.2",
                       "@aws-sdk/client-eventbridge@3.1169.0"}) +
         "/node_modules";
}

json::array EventBridgeCall::entries() const {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  const json::value* e = !ec && v.is_object() ? v.get_object().if_contains("Entries") : nullptr;
  return e && e->is_array() ? e->get_array() : json::array{};
}

TestEventBridge::TestEventBridge(const json::object& script)
    : process_({"node", RELAY_SOURCE_DIR "/tests/support/test_eventbridge.js", eventbridge_npm_modules(),
                json::serialize(with_keys(script))}) {
  const auto line = process_.stdout_line(std::chrono::seconds(20));
  if (!line || line->rfind("listening on ", 0) != 0)
    throw std::runtime_error("the test EventBridge did not start:\n" + process_.stderr_text(std::chrono::seconds(1)));
  url_ = line->substr(13);
}

std::optional<EventBridgeCall> TestEventBridge::next_call(std::chrono::milliseconds timeout) {
  const auto line = process_.stdout_line(timeout);
  if (!line) return std::nullopt;
  const json::object o = json::parse(*line).as_object();
  EventBridgeCall call{std::string(o.at("verdict").as_string()), {}, std::string(o.at("body").as_string()),
                       static_cast<unsigned>(o.at("status").to_number<int>()), std::string(o.at("answer").as_string())};
  for (const auto& h : o.at("headers").as_object()) call.headers[h.key()] = std::string(h.value().as_string());
  return call;
}

std::vector<EventBridgeCall> TestEventBridge::calls_until(std::size_t entries, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<EventBridgeCall> calls;
  std::size_t seen = 0;
  while (seen < entries) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto call = next_call(left);
    if (!call) break;
    seen += call->entries().size();
    calls.push_back(std::move(*call));
  }
  return calls;
}

}  // namespace relay::testing
