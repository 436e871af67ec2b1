#include "relay/console/console_http.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace relay::console {

namespace {

constexpr std::string_view kPrefix = "/ui";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

bool is_console_target(std::string_view target) {
  const auto path = target_path(target);
  return path == kPrefix || path.starts_with("/ui/");
}

const Asset* find_asset(std::string_view target) {
  auto path = target_path(target);
  if (path == kPrefix || path == "/ui/") path = "/ui/index.html";
  if (!path.starts_with("/ui/")) return nullptr;
  const auto name = path.substr(4);
  for (const auto& asset : assets())
    if (asset.name == name) return &asset;
  return nullptr;
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    const auto pair = trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) return pair.substr(equals + 1);
  }
  return std::nullopt;
}

std::string session_cookie(std::string_view id, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(id) + "; Path=/; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

std::string cleared_session_cookie(bool secure) {
  return std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "");
}

std::optional<std::string> login_token(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  const auto* token = value.as_object().if_contains("token");
  if (!token || !token->is_string()) return std::nullopt;
  return std::string(token->as_string());
}

std::vector<std::pair<std::string, std::string>> security_headers() {
  return {{"Content-Security-Policy",
           "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          {"X-Frame-Options", "DENY"},
          {"Referrer-Policy", "no-referrer"}};
}

}  // namespace relay::console
