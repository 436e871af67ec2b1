#include "relay/aws/sigv4_verify.hpp"

#include "relay/aws/header_text.hpp"
#include "relay/core/hmac.hpp"

#include <algorithm>
#include <optional>

namespace relay::aws {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

VerifyError malformed(std::string what) { return {VerifyFailure::malformed, std::move(what)}; }

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool all_of(std::string_view s, bool (*pred)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), pred); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_header_name_char(char c) { return is_token_char(c) && ascii_lower(c) == c; }

std::optional<VerifyError> parse_credential(std::string_view value, Authorization& out) {
  const auto parts = split(value, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request" ||
      std::any_of(parts.begin(), parts.end(), [](auto p) { return p.empty(); }))
    return malformed("Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request");
  if (parts[1].size() != 8 || !all_of(parts[1], is_digit))
    return malformed("the Credential date \"" + std::string(parts[1]) + "\" is not YYYYMMDD");
  out.access_key_id = parts[0];
  out.date = parts[1];
  out.region = parts[2];
  out.service = parts[3];
  return std::nullopt;
}

std::optional<VerifyError> parse_signed_headers(std::string_view value, Authorization& out) {
  for (auto name : split(value, ';')) {
    if (!all_of(name, is_header_name_char))
      return malformed("SignedHeaders must be lower-case header names separated by ;");
    if (!out.signed_headers.empty() && out.signed_headers.back() >= name)
      return malformed("SignedHeaders must be in ascending order, each once");
    out.signed_headers.emplace_back(name);
  }
  return std::nullopt;
}

// The one value of a header; nullptr when it is absent, an error when it is there twice.
std::variant<const std::string*, VerifyError> single_header(const HttpRequest& request, std::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [n, v] : request.headers) {
    if (!iequals(n, name)) continue;
    if (found) return malformed("more than one " + std::string(name) + " header");
    found = &v;
  }
  return found;
}

bool has_header(const HttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

}  // namespace

std::variant<Authorization, VerifyError> parse_authorization(std::string_view value) {
  value = trim_ows(value);
  if (!value.starts_with(kAlgorithm) || value.size() == kAlgorithm.size() || value[kAlgorithm.size()] != ' ')
    return malformed(
        "the Authorization header is not AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...");
  Authorization out;
  bool credential = false, signed_headers = false, signature = false;
  for (auto part : split(value.substr(kAlgorithm.size() + 1), ',')) {
    part = trim_ows(part);
    const auto eq = part.find('=');
    const auto key = part.substr(0, eq);
    const auto field = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    bool* seen = key == "Credential"      ? &credential
                 : key == "SignedHeaders" ? &signed_headers
                 : key == "Signature"     ? &signature
                                          : nullptr;
    if (!seen || eq == std::string_view::npos)
      return malformed("unexpected \"" + std::string(part) + "\" in the Authorization header");
    if (*seen) return malformed(std::string(key) + " is in the Authorization header twice");
    *seen = true;
    std::optional<VerifyError> error;
    if (key == "Credential") {
      error = parse_credential(field, out);
    } else if (key == "SignedHeaders") {
      error = parse_signed_headers(field, out);
    } else if (field.size() != 64 || !all_of(field, is_lower_hex)) {
      error = malformed("Signature must be 64 lower-case hex digits");
    } else {
      out.signature = field;
    }
    if (error) return *error;
  }
  for (auto [seen, key] :
       {std::pair{credential, "Credential"}, {signed_headers, "SignedHeaders"}, {signature, "Signature"}})
    if (!seen) return malformed(std::string("the Authorization header has no ") + key);
  return out;
}

std::variant<VerifiedRequest, VerifyError> verify_request(const HttpRequest& request, std::string_view access_key_id,
                                                          std::string_view secret_access_key,
                                                          const ExpectedScope& expected) {
  const auto authorization_header = single_header(request, "authorization");
  if (const auto* e = std::get_if<VerifyError>(&authorization_header)) return *e;
  const auto* authorization_value = std::get<const std::string*>(authorization_header);
  if (!authorization_value) return malformed("no Authorization header");
  auto parsed = parse_authorization(*authorization_value);
  if (const auto* e = std::get_if<VerifyError>(&parsed)) return *e;
  VerifiedRequest out{std::get<Authorization>(std::move(parsed))};
  const auto& auth = out.authorization;

  const auto wrong_scope = [](std::string what) { return VerifyError{VerifyFailure::wrong_scope, std::move(what)}; };
  if (auth.access_key_id != access_key_id)
    return wrong_scope("signed with access key " + auth.access_key_id + ", not " + std::string(access_key_id));
  if (!expected.region.empty() && auth.region != expected.region)
    return wrong_scope("signed for region " + auth.region + ", not " + std::string(expected.region));
  if (!expected.service.empty() && auth.service != expected.service)
    return wrong_scope("signed for service " + auth.service + ", not " + std::string(expected.service));

  const auto date_header = single_header(request, "x-amz-date");
  if (const auto* e = std::get_if<VerifyError>(&date_header)) return *e;
  const auto* amz_date_header = std::get<const std::string*>(date_header);
  if (!amz_date_header) return malformed("no X-Amz-Date header");
  const auto amz_date = trim_ows(*amz_date_header);
  const auto signed_at = parse_amz_date(amz_date);
  if (!signed_at) return malformed("X-Amz-Date \"" + std::string(amz_date) + "\" is not YYYYMMDDTHHMMSSZ");
  out.signed_at = *signed_at;
  if (!amz_date.starts_with(auth.date))
    return wrong_scope("the Credential date " + auth.date + " is not the day of X-Amz-Date " + std::string(amz_date));

  for (std::string_view required : {"host", "x-amz-date"})
    if (!std::binary_search(auth.signed_headers.begin(), auth.signed_headers.end(), required))
      return malformed("SignedHeaders must include " + std::string(required));
  for (const auto& name : auth.signed_headers)
    if (!has_header(request, name))
      return VerifyError{VerifyFailure::missing_header, "the signed header " + name + " is missing"};

  const auto content_hash = single_header(request, "x-amz-content-sha256");
  if (const auto* e = std::get_if<VerifyError>(&content_hash)) return *e;
  if (const auto* given = std::get<const std::string*>(content_hash); given && *given != hex_sha256(request.body))
    return VerifyError{VerifyFailure::mismatch, "the body is not the one X-Amz-Content-Sha256 names"};

  const auto sts = string_to_sign(amz_date, credential_scope(auth.date, auth.region, auth.service),
                                  canonical_request(request, auth.signed_headers));
  if (!core::constant_time_equal(signature(secret_access_key, auth.date, auth.region, auth.service, sts),
                                 auth.signature))
    return VerifyError{VerifyFailure::mismatch,
                       "the signature does not match: the request was changed or signed with another secret"};
  return out;
}

}  // namespace relay::aws
