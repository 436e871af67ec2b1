#pragma once
// The web console (/ui) as a server thread serves it: its embedded files, and the login
// that exchanges the admin token for a session cookie. A session then stands for the admin
// token on /admin/ calls; with it, every method but GET needs the session's CSRF token in
// X-CSRF-Token. Logins share the admin API's failure limiter. Any server thread may call.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "relay/console/session_store.hpp"
#include "relay/net/admin_service.hpp"

namespace relay::net {

// What the console needs of a request.
struct ConsoleRequest {
  std::string_view method, target, cookie, csrf, if_none_match, content_type, body;
  std::string client;
};

class ConsoleService {
 public:
  static constexpr std::chrono::hours kIdle{12};
  static constexpr std::size_t kMaxSessions = 1000;

  // `secure`: the listener speaks TLS (the cookie gets Secure).
  ConsoleService(std::string token, const AdminService& admin, bool secure)
      : token_(std::move(token)), admin_(admin), secure_(secure) {}

  // /ui, /ui/FILE: the files; POST /ui/login {"token"} -> {"csrf"} and the cookie;
  // GET /ui/session -> {"csrf"} of a live session (401 otherwise); POST /ui/logout.
  Answer answer(const ConsoleRequest& request) const;

  // For an /admin/ request without an Authorization header: the authorization its session
  // cookie stands for (empty without the cookie), or the refusal: 401 for an unknown or
  // expired session, 403 for a change without the session's CSRF token.
  std::variant<Answer, std::string> admin_authorization(const ConsoleRequest& request) const;

 private:
  std::optional<console::SessionStore::Session> session(std::string_view cookie) const;
  Answer login(const ConsoleRequest& request) const;
  Answer with_headers(Answer answer) const;

  std::string token_;
  const AdminService& admin_;
  bool secure_;
  mutable std::mutex mutex_;
  mutable console::SessionStore sessions_{kIdle, kMaxSessions};
};

}  // namespace relay::net
