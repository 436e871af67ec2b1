#include "relay/pipeline/signer.hpp"

#include "relay/core/hmac_timestamp.hpp"

namespace relay::pipeline {

std::optional<SigningScheme> parse_signing_scheme(std::string_view name) {
  if (name == "hmac-timestamp") return SigningScheme::hmac_timestamp;
  if (name == "bearer") return SigningScheme::bearer;
  if (name == "none") return SigningScheme::none;
  return std::nullopt;
}

std::string_view signing_scheme_name(SigningScheme scheme) {
  switch (scheme) {
    case SigningScheme::hmac_timestamp: return "hmac-timestamp";
    case SigningScheme::bearer: return "bearer";
    case SigningScheme::none: return "none";
  }
  return "none";
}

Signer::Signer(SigningScheme scheme, std::string_view secret) : scheme_(scheme) {
  if (scheme == SigningScheme::hmac_timestamp) hmac_.emplace(secret);
  if (scheme == SigningScheme::bearer) bearer_ = "Bearer " + std::string(secret);
}

void Signer::sign(std::string_view body, std::string_view timestamp, std::vector<Header>& headers) const {
  switch (scheme_) {
    case SigningScheme::hmac_timestamp:
      headers.push_back({std::string(core::kTimestampHeader), std::string(timestamp)});
      headers.push_back({std::string(core::kSignatureHeader), core::hmac_timestamp_signature(*hmac_, timestamp, body)});
      return;
    case SigningScheme::bearer: headers.push_back({"authorization", bearer_}); return;
    case SigningScheme::none: return;
  }
}

}  // namespace relay::pipeline
