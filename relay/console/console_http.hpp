#pragma once
// What the console's HTTP side decides without I/O: which targets are its own, the asset a
// target names, the session cookie (its reading and writing), the login body and the
// headers every console answer carries. Pure; any thread may call.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relay/console/assets.hpp"

namespace relay::console {

inline constexpr std::string_view kSessionCookie = "relay_session";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

// "/ui" and everything under "/ui/".
bool is_console_target(std::string_view target);

// The asset `target` names: "/ui" and "/ui/" the page, "/ui/NAME" the file NAME; null otherwise.
const Asset* find_asset(std::string_view target);

// The path of `target` without its query.
std::string_view target_path(std::string_view target);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string_view> cookie_value(std::string_view cookie_header, std::string_view name);

// Set-Cookie for a new session: HttpOnly, SameSite=Strict, Path=/, and Secure over TLS.
std::string session_cookie(std::string_view id, bool secure);
// Set-Cookie that makes the browser forget the session cookie.
std::string cleared_session_cookie(bool secure);

// The token of a login body {"token": "..."}; nullopt when the body is not that.
std::optional<std::string> login_token(std::string_view body);

// Headers for every console answer: a strict Content-Security-Policy (no inline script or
// style, nothing from other origins, no framing), nosniff, no referrer.
std::vector<std::pair<std::string, std::string>> security_headers();

}  // namespace relay::console
