// SigV4 as a server verifies what a client sent (relay verify today, the PutEvents ingress
// next): a raw request is read, its Authorization parsed and checked. Whatever arrives, the
// reader and the verifier answer without fault, and a request relay signs itself verifies.
#include "relay/aws/raw_request.hpp"
#include "relay/aws/sigv4_verify.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <chrono>

namespace {

constexpr std::string_view kKeyId = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view text = relay::fuzz::as_text(data, size);
  (void)relay::aws::parse_authorization(text);
  auto parsed = relay::aws::parse_raw_request(text);
  auto* request = std::get_if<relay::aws::HttpRequest>(&parsed);
  if (!request) return 0;
  (void)relay::aws::verify_request(*request, kKeyId, kSecret);
  // Written out and read back, a request is the same request.
  auto again = relay::aws::parse_raw_request(relay::aws::format_raw_request(*request));
  RELAY_FUZZ_CHECK(std::holds_alternative<relay::aws::HttpRequest>(again));
  relay::aws::HttpRequest signed_request = *request;
  for (auto it = signed_request.headers.begin(); it != signed_request.headers.end();) {
    // What signing adds: a request that already carries them is signed afresh.
    std::string name = it->first;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    it = name == "authorization" || name == "x-amz-date" || name == "x-amz-security-token"
             ? signed_request.headers.erase(it)
             : it + 1;
  }
  const relay::aws::Credentials credentials{std::string(kKeyId), std::string(kSecret), "token", std::nullopt};
  relay::aws::sign_request(signed_request, credentials, "us-east-1", "events",
                           std::chrono::system_clock::time_point(std::chrono::seconds(1440938160)));
  RELAY_FUZZ_CHECK(std::holds_alternative<relay::aws::VerifiedRequest>(
      relay::aws::verify_request(signed_request, kKeyId, kSecret)));
  return 0;
}
