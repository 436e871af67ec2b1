#include "relay/bus/test_event_pattern.hpp"

#include "relay/pattern/matcher.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace relay::bus {

namespace json = boost::json;

std::variant<std::string, AwsError> test_event_pattern(std::string_view body, const pattern::Limits& limits) {
  boost::system::error_code ec;
  const json::value request = json::parse(body, ec);
  if (ec) return serialization_error("the body is not JSON: " + ec.message());
  if (!request.is_object()) return serialization_error("the body is not a JSON object");
  std::string_view texts[2];
  const char* names[2] = {"EventPattern", "Event"};
  for (int k = 0; k < 2; ++k) {
    const json::value* v = request.get_object().if_contains(names[k]);
    if (!v || v->is_null())
      return validation_error("1 validation error detected: Value null at '" +
                              std::string(k == 0 ? "eventPattern" : "event") +
                              "' failed to satisfy constraint: Member must not be null");
    if (!v->is_string()) return serialization_error(std::string(names[k]) + ": expected a string (JSON text)");
    texts[k] = v->get_string();
  }
  pattern::MatcherBuilder builder(limits);
  if (const auto error = builder.add(0, texts[0]))
    return AwsError{400, "InvalidEventPatternException", "Event pattern is not valid. Reason: " + error->message()};
  const json::value event = json::parse(texts[1], ec);
  if (ec || !event.is_object()) return validation_error("Event is not a JSON object.");
  const pattern::Matcher matcher = std::move(builder).build();
  std::vector<std::uint32_t> matched;
  matcher.match_json(texts[1], matched);
  return std::string(matched.empty() ? R"({"Result":false})" : R"({"Result":true})");
}

}  // namespace relay::bus
