#include "relay/aws/sigv4.hpp"

#include "relay/aws/header_text.hpp"
#include "relay/core/hmac.hpp"
#include "relay/core/utc_time.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace relay::aws {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

// Headers proxies, browsers and HTTP stacks add or rewrite in transit.
bool unsignable(std::string_view lower_name) {
  static constexpr std::string_view kNames[] = {
      "authorization",     "cache-control", "connection",     "expect", "from",    "keep-alive",
      "max-forwards",      "pragma",        "referer",        "te",     "trailer", "upgrade",
      "transfer-encoding", "user-agent",    "x-amzn-trace-id"};
  return std::find(std::begin(kNames), std::end(kNames), lower_name) != std::end(kNames) ||
         lower_name.starts_with("proxy-") || lower_name.starts_with("sec-");
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

std::string_view as_text(const core::Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

// RFC 3986 encoding of every byte but the unreserved ones, upper-case hex.
void uri_encode(std::string_view s, std::string& out) {
  static constexpr char digits[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0xF]);
    }
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded; a '%' not followed by two hex digits stays as it is.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    int hi = -1, lo = -1;
    if (s[i] == '%' && i + 2 < s.size()) {
      hi = hex_value(s[i + 1]);
      lo = hex_value(s[i + 2]);
    }
    if (hi >= 0 && lo >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The path with dot segments removed and empty segments dropped, each segment encoded
// again (the path as sent is already encoded: "%20" becomes "%2520").
std::string canonical_path(std::string_view path) {
  std::vector<std::string_view> segments;
  for (std::size_t start = 0; start <= path.size();) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = path.starts_with('/') || path.empty() ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    uri_encode(segments[i], out);
  }
  if (!segments.empty() && path.ends_with('/')) out.push_back('/');
  return out;
}

// Parameters decoded then encoded again, sorted by name then value; repeated names kept,
// X-Amz-Signature left out (it is what a presigned URL carries the signature in).
std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (std::size_t start = 0; start < query.size();) {
    const auto end = std::min(query.find('&', start), query.size());
    const auto param = query.substr(start, end - start);
    start = end + 1;
    if (param.empty()) continue;
    const auto eq = param.find('=');
    const auto name = percent_decode(param.substr(0, eq));
    if (iequals(name, "x-amz-signature")) continue;
    std::pair<std::string, std::string> encoded;
    uri_encode(name, encoded.first);
    if (eq != std::string_view::npos) uri_encode(percent_decode(param.substr(eq + 1)), encoded.second);
    params.push_back(std::move(encoded));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

// Leading and trailing whitespace dropped, inner runs (folded lines too) made one space.
void append_trimmed(std::string_view value, std::string& out) {
  bool pending_space = false, any = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out.push_back(' ');
    out.push_back(c);
    pending_space = false;
    any = true;
  }
}

const std::string* find_header(const HttpRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers)
    if (iequals(n, name)) return &v;
  return nullptr;
}

void remove_headers(HttpRequest& request, std::string_view name) {
  std::erase_if(request.headers, [&](const auto& h) { return iequals(h.first, name); });
}

std::string payload_hash(const HttpRequest& request) {
  if (const auto* given = find_header(request, "x-amz-content-sha256")) return *given;
  return hex_sha256(request.body);
}

}  // namespace

std::string canonical_request(const HttpRequest& request, std::span<const std::string> signed_headers) {
  const std::string_view target = request.target;
  const auto question = target.find('?');
  std::string out = request.method;
  out.push_back('\n');
  out += canonical_path(target.substr(0, question));
  out.push_back('\n');
  if (question != std::string_view::npos) out += canonical_query(target.substr(question + 1));
  out.push_back('\n');
  for (const auto& name : signed_headers) {
    out += name;
    out.push_back(':');
    bool first = true;
    for (const auto& [n, v] : request.headers) {
      if (!iequals(n, name)) continue;
      if (!first) out.push_back(',');
      append_trimmed(v, out);
      first = false;
    }
    out.push_back('\n');
  }
  out.push_back('\n');
  for (std::size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out.push_back(';');
    out += signed_headers[i];
  }
  out.push_back('\n');
  out += payload_hash(request);
  return out;
}

std::vector<std::string> signable_headers(const HttpRequest& request) {
  std::vector<std::string> names;
  for (const auto& h : request.headers) {
    auto name = lower(h.first);
    if (!unsignable(name)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string hex_sha256(std::string_view bytes) { return hex(core::sha256(bytes)); }

std::string credential_scope(std::string_view date, std::string_view region, std::string_view service) {
  std::string out(date);
  out.push_back('/');
  out += region;
  out.push_back('/');
  out += service;
  out += "/aws4_request";
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.push_back('\n');
  out += amz_date;
  out.push_back('\n');
  out += scope;
  out.push_back('\n');
  out += hex_sha256(canonical_request);
  return out;
}

std::string signature(std::string_view secret_access_key, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign) {
  std::string secret = "AWS4";
  secret += secret_access_key;
  const auto k_date = core::HmacSha256(secret).mac({date});
  const auto k_region = core::HmacSha256(as_text(k_date)).mac({region});
  const auto k_service = core::HmacSha256(as_text(k_region)).mac({service});
  const auto k_signing = core::HmacSha256(as_text(k_service)).mac({"aws4_request"});
  return hex(core::HmacSha256(as_text(k_signing)).mac({string_to_sign}));
}

std::string format_amz_date(std::chrono::system_clock::time_point t) {
  // 2015-08-30T12:36:00.000Z -> 20150830T123600Z
  const std::string iso = core::format_utc_millis(std::chrono::floor<std::chrono::seconds>(t));
  std::string out;
  for (char c : std::string_view(iso).substr(0, 19))
    if (c != '-' && c != ':') out.push_back(c);
  out.push_back('Z');
  return out;
}

std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text) {
  using namespace std::chrono;
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t n) {
    int out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      out = out * 10 + (text[i] - '0');
    }
    return out;
  };
  const int y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(9, 2), mi = num(11, 2), s = num(13, 2);
  if (y < 1970 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return std::nullopt;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || ymd.year() >= year(2262)) return std::nullopt;
  return time_point_cast<system_clock::duration>(sys_days(ymd) + hours(h) + minutes(mi) + seconds(s));
}

void sign_request(HttpRequest& request, const Credentials& credentials, std::string_view region,
                  std::string_view service, std::chrono::system_clock::time_point now) {
  if (!find_header(request, "host")) throw std::invalid_argument("SigV4: the request has no host header");
  remove_headers(request, "authorization");
  remove_headers(request, "x-amz-date");
  const auto amz_date = format_amz_date(now);
  request.headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    remove_headers(request, "x-amz-security-token");
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  const auto date = std::string_view(amz_date).substr(0, 8);
  const auto scope = credential_scope(date, region, service);
  const auto names = signable_headers(request);
  const auto sts = string_to_sign(amz_date, scope, canonical_request(request, names));
  std::string authorization(kAlgorithm);
  authorization += " Credential=";
  authorization += credentials.access_key_id;
  authorization.push_back('/');
  authorization += scope;
  authorization += ", SignedHeaders=";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) authorization.push_back(';');
    authorization += names[i];
  }
  authorization += ", Signature=";
  authorization += signature(credentials.secret_access_key, date, region, service, sts);
  request.headers.emplace_back("Authorization", std::move(authorization));
}

}  // namespace relay::aws
