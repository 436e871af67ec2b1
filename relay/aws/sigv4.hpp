#pragma once
// AWS Signature Version 4 (AWS4-HMAC-SHA256) in the Authorization header, with the URI
// normalisation every service but S3 uses: what @smithy/signature-v4 does by default.
// Pure: no sockets or clocks (the signing time is an argument); any thread may call.
#include "relay/aws/credentials.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relay::aws {

// A request as it is sent: method, target (path and query exactly as on the request line),
// headers (name, value; must include host), body.
struct HttpRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Adds X-Amz-Date, X-Amz-Security-Token (when credentials.session_token is set) and
// Authorization (AWS4-HMAC-SHA256) for `region`/`service` at `now`, replacing any
// Authorization and X-Amz-Date the request had (and X-Amz-Security-Token when it adds one).
// Query parameters are signed as they decode (%XX only: '+' stays '+'). Signs every header
// but the ones proxies and browsers add or change (authorization, user-agent, connection,
// proxy-*, ...: the list @smithy/signature-v4 leaves out). Throws std::invalid_argument when
// there is no host header.
void sign_request(HttpRequest& request, const Credentials& credentials, std::string_view region,
                  std::string_view service, std::chrono::system_clock::time_point now);

// The steps of a signature, for the verifier and for tests.

// The canonical request over `signed_headers` (lower-case names in ascending order, each
// present in the request). The payload hash is the x-amz-content-sha256 header when the
// request has one (as the AWS SDKs do), else the hex SHA-256 of the body.
std::string canonical_request(const HttpRequest& request, std::span<const std::string> signed_headers);

// The lower-case names sign_request signs: every header present but the unsignable ones, sorted.
std::vector<std::string> signable_headers(const HttpRequest& request);

// Lower-case hex SHA-256 of the bytes (a payload hash).
std::string hex_sha256(std::string_view bytes);

// "20150830/us-east-1/service/aws4_request" for `date` "20150830".
std::string credential_scope(std::string_view date, std::string_view region, std::string_view service);

std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);

// Hex HMAC of `string_to_sign` under the key derived from the secret, date, region and service.
std::string signature(std::string_view secret_access_key, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign);

// X-Amz-Date's form, "20150830T123600Z" (whole seconds, UTC).
std::string format_amz_date(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text);

}  // namespace relay::aws
