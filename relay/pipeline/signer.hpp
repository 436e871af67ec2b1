#pragma once
// Adds a destination's authentication headers to a request, over the exact body bytes.
#include "relay/core/hmac.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::pipeline {

struct Header {
  std::string name;  // lower case
  std::string value;
};

enum class SigningScheme { hmac_timestamp, bearer, none };

// "hmac-timestamp", "bearer", "none"; nullopt for anything else.
std::optional<SigningScheme> parse_signing_scheme(std::string_view name);
std::string_view signing_scheme_name(SigningScheme scheme);

class Signer {
 public:
  Signer(SigningScheme scheme, std::string_view secret);

  // `timestamp` is the signing time in the hmac-timestamp format; schemes without a time
  // ignore it.
  void sign(std::string_view body, std::string_view timestamp, std::vector<Header>& headers) const;

  SigningScheme scheme() const { return scheme_; }

 private:
  SigningScheme scheme_;
  std::string bearer_;
  std::optional<core::HmacSha256> hmac_;
};

}  // namespace relay::pipeline
