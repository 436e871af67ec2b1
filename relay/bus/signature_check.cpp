#include "relay/bus/signature_check.hpp"

#include "relay/aws/sigv4_verify.hpp"

#include <algorithm>
#include <cctype>

namespace relay::bus {

namespace {

std::string_view header(const aws::HttpRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers)
    if (std::equal(n.begin(), n.end(), name.begin(), name.end(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  return {};
}

AwsError invalid_signature(std::string message) { return {400, "InvalidSignatureException", std::move(message)}; }

constexpr const char* kMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
    "and signing method. Consult the service documentation for details.";

}  // namespace

std::variant<const AccessKey*, AwsError> check_signature(const aws::HttpRequest& request,
                                                         const std::vector<AccessKey>& keys, std::string_view region,
                                                         std::chrono::system_clock::time_point now) {
  const std::string_view authorization = header(request, "authorization");
  if (authorization.empty()) return AwsError{400, "MissingAuthenticationTokenException", "Missing Authentication Token"};
  auto parsed = aws::parse_authorization(authorization);
  if (auto* error = std::get_if<aws::VerifyError>(&parsed))
    return AwsError{400, "IncompleteSignatureException", error->message};
  const auto& id = std::get<aws::Authorization>(parsed).access_key_id;
  const auto key = std::find_if(keys.begin(), keys.end(), [&](const AccessKey& k) { return k.access_key_id == id; });
  if (key == keys.end())
    return AwsError{400, "UnrecognizedClientException", "The security token included in the request is invalid."};

  auto verified = aws::verify_request(request, key->access_key_id, key->secret_access_key, {region, kSigningService});
  if (auto* error = std::get_if<aws::VerifyError>(&verified)) {
    switch (error->failure) {
      case aws::VerifyFailure::malformed:
        return AwsError{400, "IncompleteSignatureException", error->message};
      case aws::VerifyFailure::wrong_scope:
      case aws::VerifyFailure::missing_header:
        return invalid_signature(error->message);
      case aws::VerifyFailure::mismatch:
        break;
    }
    return invalid_signature(kMismatch);
  }
  const auto signed_at = std::get<aws::VerifiedRequest>(verified).signed_at;
  const auto at = aws::format_amz_date(signed_at);
  const auto clock = aws::format_amz_date(now);
  const auto minutes = std::to_string(aws::kMaxClockSkew.count());
  if (signed_at < now - aws::kMaxClockSkew)
    return invalid_signature("Signature expired: " + at + " is now earlier than " +
                             aws::format_amz_date(now - aws::kMaxClockSkew) + " (" + clock + " - " + minutes + " min.)");
  if (signed_at > now + aws::kMaxClockSkew)
    return invalid_signature("Signature not yet current: " + at + " is still later than " +
                             aws::format_amz_date(now + aws::kMaxClockSkew) + " (" + clock + " + " + minutes + " min.)");
  return &*key;
}

}  // namespace relay::bus
