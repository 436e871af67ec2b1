#include "relay/net/console_service.hpp"

#include <openssl/rand.h>

#include <array>
#include <boost/json/serialize.hpp>
#include <stdexcept>

#include "relay/console/console_http.hpp"
#include "relay/core/hmac.hpp"

namespace relay::net {

namespace {

// 32 random bytes as hex.
std::string random_id() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const auto b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Answer csrf_answer(const std::string& csrf) {
  return {200, boost::json::serialize(boost::json::object{{"csrf", csrf}}), std::nullopt};
}

bool changes_state(std::string_view method) { return method != "GET" && method != "HEAD"; }

}  // namespace

std::optional<console::SessionStore::Session> ConsoleService::session(std::string_view cookie) const {
  const auto id = console::cookie_value(cookie, console::kSessionCookie);
  if (!id || id->empty()) return std::nullopt;
  std::lock_guard lock(mutex_);
  return sessions_.use(*id, std::chrono::steady_clock::now());
}

Answer ConsoleService::with_headers(Answer answer) const {
  for (auto& header : console::security_headers()) answer.headers.push_back(std::move(header));
  if (answer.content_type == "application/json") answer.headers.emplace_back("Cache-Control", "no-store");
  return answer;
}

Answer ConsoleService::login(const ConsoleRequest& request) const {
  if (const auto wait = admin_.login_blocked(request.client)) {
    Answer answer = error_answer(429, "too many failed admin logins from this address; retry later");
    answer.retry_after = static_cast<unsigned>(wait->count());
    return answer;
  }
  // JSON only: a cross-site form cannot send it without the browser asking first.
  if (!request.content_type.starts_with("application/json"))
    return error_answer(415, "send the token as JSON {\"token\": \"...\"}");
  const auto token = console::login_token(request.body);
  if (!token) return error_answer(400, "send the token as JSON {\"token\": \"...\"}");
  if (!core::constant_time_equal(*token, token_)) {
    admin_.count_login_failure(request.client);
    return error_answer(401, "wrong admin token");
  }
  std::string id = random_id(), csrf = random_id();
  Answer answer = csrf_answer(csrf);
  answer.headers.emplace_back("Set-Cookie", console::session_cookie(id, secure_));
  std::lock_guard lock(mutex_);
  sessions_.open(std::move(id), std::move(csrf), std::chrono::steady_clock::now());
  return answer;
}

Answer ConsoleService::answer(const ConsoleRequest& request) const {
  const auto path = console::target_path(request.target);
  const bool get = request.method == "GET", post = request.method == "POST";
  if (path == "/ui/login") return with_headers(post ? login(request) : error_answer(405, "use POST"));
  if (path == "/ui/session") {
    if (!get) return with_headers(error_answer(405, "use GET"));
    const auto live = session(request.cookie);
    return with_headers(live ? csrf_answer(live->csrf) : error_answer(401, "no session; log in"));
  }
  if (path == "/ui/logout") {
    if (!post) return with_headers(error_answer(405, "use POST"));
    const auto live = session(request.cookie);
    if (live && !core::constant_time_equal(request.csrf, live->csrf))
      return with_headers(error_answer(403, "missing or wrong X-CSRF-Token"));
    if (live) {
      std::lock_guard lock(mutex_);
      sessions_.close(*console::cookie_value(request.cookie, console::kSessionCookie));
    }
    Answer answer{204, {}, std::nullopt};
    answer.headers.emplace_back("Set-Cookie", console::cleared_session_cookie(secure_));
    return with_headers(std::move(answer));
  }
  const auto* asset = console::find_asset(request.target);
  if (!asset) return with_headers(error_answer(404, "no such console page"));
  if (!get) return with_headers(error_answer(405, "use GET"));
  Answer answer{200, {}, std::nullopt, asset->content_type};
  answer.headers.emplace_back("ETag", std::string(asset->etag));
  answer.headers.emplace_back("Cache-Control", "no-cache");
  if (request.if_none_match == asset->etag)
    answer.status = 304;
  else
    answer.body = asset->body;
  return with_headers(std::move(answer));
}

std::variant<Answer, std::string> ConsoleService::admin_authorization(const ConsoleRequest& request) const {
  if (!console::cookie_value(request.cookie, console::kSessionCookie)) return std::string();
  const auto live = session(request.cookie);
  if (!live) return error_answer(401, "session expired or unknown; log in again");
  if (changes_state(request.method) && !core::constant_time_equal(request.csrf, live->csrf))
    return error_answer(403, "missing or wrong X-CSRF-Token");
  return "Bearer " + token_;
}

}  // namespace relay::net
