// relay's event bus on any body: PutEvents' reader (every entry accepted or refused, or the
// whole call refused, never a fault), the envelope of each accepted entry and the answer
// (both JSON that reads back), and TestEventPattern. Two fields: the operation ("PutEvents"
// or anything else for TestEventPattern) and the body.
#include "relay/bus/put_events.hpp"
#include "relay/bus/test_event_pattern.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace json = boost::json;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto parts = relay::fuzz::fields(relay::fuzz::as_text(data, size), 2);
  if (parts[0] != "PutEvents") {
    auto answer = relay::bus::test_event_pattern(parts[1]);
    if (auto* body = std::get_if<std::string>(&answer))
      RELAY_FUZZ_CHECK(*body == R"({"Result":true})" || *body == R"({"Result":false})");
    return 0;
  }
  auto read = relay::bus::read_put_events(parts[1]);
  if (auto* error = std::get_if<relay::bus::AwsError>(&read)) {
    boost::system::error_code ec;
    json::parse(relay::bus::error_body(*error), ec);
    RELAY_FUZZ_CHECK(!ec);
    return 0;
  }
  const auto& entries = std::get<std::vector<relay::bus::ReadEntry>>(read);
  RELAY_FUZZ_CHECK(!entries.empty() && entries.size() <= relay::bus::kMaxEntries);
  std::vector<relay::bus::EntryResult> results;
  const relay::bus::EnvelopeContext context{"123456789012", "us-east-1",
                                            std::chrono::system_clock::time_point(std::chrono::seconds(1767225600))};
  for (const auto& entry : entries) {
    if (const auto* refused = std::get_if<relay::bus::EntryError>(&entry)) {
      results.emplace_back(*refused);
      continue;
    }
    const auto envelope = relay::bus::make_envelope(std::get<relay::bus::BusEntry>(entry), "id", context);
    boost::system::error_code ec;
    const json::value again = json::parse(json::serialize(envelope), ec);
    RELAY_FUZZ_CHECK(!ec && again.at("detail").is_object());
    results.emplace_back(std::string("id"));
  }
  boost::system::error_code ec;
  const json::value answer = json::parse(relay::bus::put_events_answer(results), ec);
  RELAY_FUZZ_CHECK(!ec && answer.at("Entries").as_array().size() == entries.size());
  return 0;
}
