// The template handler (an EventBridge input transformer) built from fuzzed options and run
// on a fuzzed event. Fields: content_type (empty: the default), input_paths (a JSON object,
// or empty for none), input_template, event body. A JSON template that compiles always
// renders JSON, whatever the event holds.
#include "handlers/template.hpp"
#include "relay/core/event.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <boost/json/parse.hpp>

namespace json = boost::json;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto parts = relay::fuzz::fields(relay::fuzz::as_text(data, size), 4);
  const std::string_view content_type = parts[0], input_paths = parts[1], input_template = parts[2], body = parts[3];

  json::object options;
  options["input_template"] = input_template;
  if (!content_type.empty()) options["content_type"] = content_type;
  if (!input_paths.empty()) {
    boost::system::error_code ec;
    json::value paths = json::parse(input_paths, ec);
    if (ec) return 0;
    options["input_paths"] = std::move(paths);
  }
  std::vector<std::string> errors;
  const auto handler = relay::handlers::make_template({"fuzz-route", options, errors});
  if (!handler) RELAY_FUZZ_CHECK(!errors.empty());
  if (!handler || !errors.empty()) return 0;  // a config with problems is refused whole

  static relay::core::EventDecoder decoder;
  std::vector<json::value> events;
  if (decoder.decode(body, events)) return 0;
  const std::string_view type = handler->content_type();
  const bool json_body = type == "application/json" || type.ends_with("+json");
  for (const auto& envelope : events) {
    std::string out;
    const auto skipped = handler->transform(relay::core::Event::view(envelope), out);
    RELAY_FUZZ_CHECK(!skipped);
    if (json_body) {
      boost::system::error_code ec;
      (void)json::parse(out, ec);
      RELAY_FUZZ_CHECK(!ec);
    }
  }
  return 0;
}
