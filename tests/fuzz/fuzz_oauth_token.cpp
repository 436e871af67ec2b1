// relay's token endpoint on any request: method, target, Content-Type, Authorization and
// body (fields separated by 0x1e). Whatever arrives, the answer is one of RFC 6749's and a
// JSON object, with a token only from the token path and a challenge exactly on 401.
#include <boost/json/parse.hpp>

#include "relay/oauth/token_endpoint.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

const relay::oauth::TokenEndpoint& endpoint() {
  static const relay::oauth::TokenEndpoint e(
      relay::oauth::Settings{
          {{"eventbridge", "s3cret", {"events:write"}}}, std::chrono::seconds(3600), "relay", "", ""},
      relay::oauth::SigningKey::generate());
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto f = relay::fuzz::fields(relay::fuzz::as_text(data, size), 5);
  const relay::oauth::OAuthRequest request{f[0], f[1], f[2], f[3], f[4]};
  const auto answer = endpoint().answer(request, std::chrono::system_clock::time_point(), "jti");
  const unsigned s = answer.status;
  RELAY_FUZZ_CHECK(s == 200 || s == 400 || s == 401 || s == 405);
  boost::system::error_code ec;
  const auto body = boost::json::parse(answer.body, ec);
  RELAY_FUZZ_CHECK(!ec && body.is_object());
  RELAY_FUZZ_CHECK((s == 401) == !answer.www_authenticate.empty());
  const bool token = body.get_object().contains("access_token");
  RELAY_FUZZ_CHECK(token == (s == 200 && f[1].substr(0, f[1].find('?')) != relay::oauth::kJwksPath));
  return 0;
}
