#pragma once
// Checking a request signed with SigV4 (AWS4-HMAC-SHA256 in the Authorization header)
// against the secret of the access key it names, over the headers it says it signed.
// Pure: the caller holds the clock and applies a skew window to VerifiedRequest::signed_at.
// Any thread may call.
#include "relay/aws/sigv4.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::aws {

// "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/service/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<64 hex digits>", taken apart.
struct Authorization {
  std::string access_key_id;
  std::string date;  // the scope's, YYYYMMDD
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lower case, ascending
  std::string signature;                    // 64 lower-case hex digits
};

enum class VerifyFailure {
  malformed,       // no or an unreadable Authorization or X-Amz-Date, or host or x-amz-date not signed
  wrong_scope,     // another access key, region or service than expected, or a scope date not X-Amz-Date's
  missing_header,  // a header the signature covers is not in the request
  mismatch,        // the request is not the one signed (or another secret signed it)
};

struct VerifyError {
  VerifyFailure failure;
  std::string message;  // what is wrong; never holds a secret
};

std::variant<Authorization, VerifyError> parse_authorization(std::string_view value);

// What the verifier requires of the credential scope; an empty field accepts any.
struct ExpectedScope {
  std::string_view region;
  std::string_view service;
};

struct VerifiedRequest {
  Authorization authorization;
  std::chrono::system_clock::time_point signed_at;  // X-Amz-Date
};

// How far AWS lets X-Amz-Date be from its own clock.
inline constexpr std::chrono::minutes kMaxClockSkew{15};

// Recomputes the signature over the signed headers only and compares it in constant time.
// The body is always covered: an X-Amz-Content-Sha256 header must be the body's hash.
std::variant<VerifiedRequest, VerifyError> verify_request(const HttpRequest& request, std::string_view access_key_id,
                                                          std::string_view secret_access_key,
                                                          const ExpectedScope& expected = {});

}  // namespace relay::aws
