#pragma once
// A webhook destination's signing schemes: the authentication headers of a request, over
// its exact body bytes.
#include "relay/core/hmac.hpp"
#include "relay/destination/header.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::destination {

// hmac-timestamp: x-amzn-event-timestamp + x-amzn-event-signature (the DevOps Agent's);
// bearer: Authorization: Bearer <secret>; standard-webhooks: webhook-id, webhook-timestamp,
// webhook-signature (one "v1," entry per secret); hmac-sha256-hex: x-hub-signature-256
// (GitHub style); none.
enum class SigningScheme { hmac_timestamp, bearer, standard_webhooks, hmac_sha256_hex, none };

std::optional<SigningScheme> parse_signing_scheme(std::string_view name);
std::string_view signing_scheme_name(SigningScheme scheme);

// What one request is signed over.
struct SignInput {
  std::string_view body;
  std::string_view timestamp;   // the signing time, "YYYY-MM-DDTHH:MM:SS.000Z"
  std::string_view message_id;  // stable across retries of one delivery
};

class Signer {
 public:
  // `secrets` holds the current secret first, then older ones still accepted during a
  // rotation (only standard-webhooks sends those too). They must pass check() (none
  // missing or empty, "whsec_<base64>" for standard-webhooks): std::invalid_argument if not.
  Signer(SigningScheme scheme, const std::vector<std::string>& secrets);

  // nullopt when the secrets suit the scheme, else what is wrong with them.
  static std::optional<std::string> check(SigningScheme scheme, const std::vector<std::string>& secrets);

  void sign(const SignInput& in, std::vector<Header>& headers) const;

 private:
  SigningScheme scheme_;
  std::string bearer_;
  std::vector<core::HmacSha256> keys_;
};

}  // namespace relay::destination
