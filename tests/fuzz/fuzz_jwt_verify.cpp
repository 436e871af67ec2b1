// A JWT door's parsers on any input: the JWKS its key fetcher got, and the bearer token a
// caller sent (two fields). Whatever arrives, they answer without fault; a key set that
// parses holds only usable keys; no token passes against an empty key set.
#include "relay/core/base64.hpp"
#include "relay/jwt/verify.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <chrono>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto input = relay::fuzz::fields(relay::fuzz::as_text(data, size), 2);
  (void)relay::core::base64url_decode(input[1]);
  relay::jwt::Policy policy;
  policy.issuer = "i";
  policy.required_roles = {"publisher"};
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1735689600));
  const auto empty = relay::jwt::verify_token(input[1], {}, policy, now);
  RELAY_FUZZ_CHECK(empty.outcome != relay::jwt::Verdict::accepted);
  auto parsed = relay::jwt::parse_jwks(input[0]);
  auto* keys = std::get_if<relay::jwt::KeySet>(&parsed);
  if (!keys) return 0;
  RELAY_FUZZ_CHECK(!keys->keys.empty());
  for (const auto& key : keys->keys) RELAY_FUZZ_CHECK(key.key != nullptr);
  (void)relay::jwt::verify_token(input[1], *keys, policy, now);
  return 0;
}
