// Any bytes as an ingress body: the decoder either appends one well-formed envelope per
// event (alarm actions reshaped, ids derived) or returns an error and appends nothing.
#include "relay/core/event.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

namespace json = boost::json;
using relay::core::Event;
using relay::core::EventDecoder;

namespace {

void check_decoded(std::string_view body, EventDecoder& decoder, json::storage_ptr sp) {
  std::vector<json::value> out;
  const auto error = decoder.decode(body, out, sp);
  if (error) {
    RELAY_FUZZ_CHECK(out.empty());
    RELAY_FUZZ_CHECK(!error->what.empty());
    return;
  }
  RELAY_FUZZ_CHECK(!out.empty());
  for (const auto& v : out) {
    RELAY_FUZZ_CHECK(v.is_object());
    const auto& o = v.get_object();
    RELAY_FUZZ_CHECK(o.contains("source") && o.at("source").is_string());
    RELAY_FUZZ_CHECK(o.contains("detail-type") && o.at("detail-type").is_string());
    RELAY_FUZZ_CHECK(o.contains("detail") && o.at("detail").is_object());
    const Event event = Event::view(v);
    RELAY_FUZZ_CHECK(!event.id.empty());
    RELAY_FUZZ_CHECK(&event.detail == &o.at("detail").get_object());
    (void)json::serialize(v);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  static EventDecoder decoder;  // kept between inputs, as each server thread keeps its own
  const std::string_view body = relay::fuzz::as_text(data, size);
  check_decoded(body, decoder, {});
  // The ingress decodes into a per-request arena.
  unsigned char arena[4096];
  json::monotonic_resource resource(arena, sizeof arena);
  check_decoded(body, decoder, &resource);
  return 0;
}
