#include "relay/aws/sts.hpp"

#include "relay/core/utc_time.hpp"

#include <cstdlib>
#include <optional>

namespace relay::aws {

namespace {

void append_form_value(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.push_back('&');
  out.append(name);
  out.push_back('=');
  append_form_value(out, value);
}

// Decodes the five predefined entities and numeric references; nullopt for anything else.
std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    out.append(text.substr(0, amp));
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp);
    const auto semi = text.find(';');
    if (semi == std::string_view::npos) return std::nullopt;
    const std::string_view entity = text.substr(1, semi - 1);
    text.remove_prefix(semi + 1);
    if (entity == "amp") out.push_back('&');
    else if (entity == "lt") out.push_back('<');
    else if (entity == "gt") out.push_back('>');
    else if (entity == "quot") out.push_back('"');
    else if (entity == "apos") out.push_back('\'');
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      const std::string digits(entity.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long code = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end || code == 0 || code > 0x7F) return std::nullopt;  // STS sends ASCII
      out.push_back(static_cast<char>(code));
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// The text of the first <name>...</name> in `xml` (attributes allowed, no nesting inside);
// nullopt when absent.
std::optional<std::string_view> element(std::string_view xml, std::string_view name) {
  const std::string open = "<" + std::string(name);
  for (std::size_t at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at + 1)) {
    const std::size_t after = at + open.size();
    if (after >= xml.size() || (xml[after] != '>' && xml[after] != ' ')) continue;
    const std::size_t start = xml.find('>', after);
    if (start == std::string_view::npos) return std::nullopt;
    const std::size_t end = xml.find("</" + std::string(name) + ">", start);
    if (end == std::string_view::npos) return std::nullopt;
    return xml.substr(start + 1, end - start - 1);
  }
  return std::nullopt;
}

std::optional<std::string> text_of(std::string_view xml, std::string_view name) {
  const auto raw = element(xml, name);
  return raw ? unescape(*raw) : std::nullopt;
}

}  // namespace

std::string assume_role_form(const AssumeRoleParams& params) {
  std::string out = "Action=AssumeRole&Version=2011-06-15";
  append_field(out, "RoleArn", params.role_arn);
  append_field(out, "RoleSessionName", params.session_name);
  if (!params.external_id.empty()) append_field(out, "ExternalId", params.external_id);
  append_field(out, "DurationSeconds", std::to_string(params.duration.count()));
  return out;
}

std::string web_identity_form(std::string_view role_arn, std::string_view session_name, std::string_view token) {
  std::string out = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
  append_field(out, "RoleArn", role_arn);
  append_field(out, "RoleSessionName", session_name);
  append_field(out, "WebIdentityToken", token);
  return out;
}

std::string sts_endpoint_for(std::string_view region) {
  if (region.empty()) return "https://sts.amazonaws.com";
  const std::string suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  return "https://sts." + std::string(region) + suffix;
}

std::variant<Credentials, std::string> parse_sts_answer(unsigned status, std::string_view body) {
  const std::string answered = "STS answered " + std::to_string(status);
  if (status != 200) {
    const auto code = text_of(body, "Code");
    if (!code) return answered;
    const auto message = text_of(body, "Message");
    return answered + ": " + *code + (message && !message->empty() ? ": " + *message : "");
  }
  const auto block = element(body, "Credentials");
  if (!block) return answered + " without <Credentials>";
  Credentials out;
  for (auto [name, field] : {std::pair{"AccessKeyId", &out.access_key_id},
                             std::pair{"SecretAccessKey", &out.secret_access_key},
                             std::pair{"SessionToken", &out.session_token}}) {
    auto value = text_of(*block, name);
    if (!value || value->empty()) return answered + " without a readable " + std::string(name);
    *field = std::move(*value);
  }
  const auto expiration = text_of(*block, "Expiration");
  const auto when = expiration ? core::parse_utc(*expiration) : std::nullopt;
  if (!when) return answered + " without an ISO 8601 Expiration";
  out.expiration = *when;
  return out;
}

}  // namespace relay::aws
