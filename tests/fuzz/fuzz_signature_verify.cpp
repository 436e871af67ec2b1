// The webhook signature verifiers as a receiver (or `relay verify`) runs them on what it was
// sent. Fields: secret, timestamp, webhook-id, signature header, body. Whatever arrives,
// each verifier answers without fault, and accepts the signature relay itself makes for
// the same inputs.
#include "relay/core/base64.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/core/standard_webhooks.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <charconv>

using namespace relay::core;

namespace {

void check_hmac_timestamp(const HmacSha256& key, std::string_view timestamp, std::string_view body,
                          std::string_view signature) {
  if (const auto at = parse_signing_time(timestamp)) {
    RELAY_FUZZ_CHECK(is_signing_time(timestamp));
    // The scheme signs whole seconds: those times read back as they were written.
    if (timestamp.ends_with(".000Z")) RELAY_FUZZ_CHECK(format_signing_time(*at) == timestamp);
  }
  (void)hmac_timestamp_valid(key, timestamp, body, signature);
  RELAY_FUZZ_CHECK(hmac_timestamp_valid(key, timestamp, body, hmac_timestamp_signature(key, timestamp, body)));
}

void check_standard_webhooks(std::string_view secret, std::string_view timestamp, std::string_view id,
                             std::string_view body, std::string_view header) {
  const auto key_bytes = standard_webhooks_key(secret);
  std::int64_t ts = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (!key_bytes || ec != std::errc() || end != timestamp.data() + timestamp.size()) return;
  const HmacSha256 key(*key_bytes);
  const bool valid = standard_webhooks_valid(key, id, ts, body, header);
  const std::string ours = standard_webhooks_signature(key, id, ts, body);
  // One more entry in the header (a rotation) never makes a valid header invalid.
  RELAY_FUZZ_CHECK(standard_webhooks_valid(key, id, ts, body, std::string(header) + " " + ours));
  if (valid) RELAY_FUZZ_CHECK(standard_webhooks_valid(key, id, ts, body, ours + " " + std::string(header)));
}

void check_hmac_sha256_hex(const HmacSha256& key, std::string_view body, std::string_view signature) {
  (void)constant_time_equal(hub_signature_256(key, body), signature);
  RELAY_FUZZ_CHECK(hub_signature_256(key, body).size() == 7 + 64);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto f = relay::fuzz::fields(relay::fuzz::as_text(data, size), 5);
  const std::string_view secret = f[0], timestamp = f[1], id = f[2], signature = f[3], body = f[4];
  const HmacSha256 key(secret);
  check_hmac_timestamp(key, timestamp, body, signature);
  check_standard_webhooks(secret, timestamp, id, body, signature);
  check_hmac_sha256_hex(key, body, signature);
  const auto decoded = base64_decode(signature);
  if (decoded) RELAY_FUZZ_CHECK(base64_decode(base64_encode(*decoded)) == decoded);
  RELAY_FUZZ_CHECK(base64_decode(base64_encode(body)) == body);
  return 0;
}
