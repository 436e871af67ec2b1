#pragma once
// The console's login sessions: a random id (the cookie) and a CSRF token per session,
// dropped after `idle` without use. Pure (time and the random ids are arguments) and not
// thread-safe. At most `max_sessions` are kept; a new one beyond that drops the least
// recently used.
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace relay::console {

class SessionStore {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Session {
    std::string csrf;
    TimePoint last_used;
  };

  SessionStore(std::chrono::seconds idle, std::size_t max_sessions);

  // Opens session `id` (random, from the caller) with its CSRF token.
  void open(std::string id, std::string csrf, TimePoint now);

  // The session `id` when it exists and has been used within `idle` (which counts as a use
  // now); nullopt otherwise (and an expired one is forgotten).
  std::optional<Session> use(std::string_view id, TimePoint now);

  void close(std::string_view id);

  std::chrono::seconds idle() const { return idle_; }
  std::size_t size() const { return sessions_.size(); }

 private:
  bool expired(const Session& session, TimePoint now) const { return now - session.last_used >= idle_; }

  std::chrono::seconds idle_;
  std::size_t max_sessions_;
  std::map<std::string, Session, std::less<>> sessions_;
};

}  // namespace relay::console
