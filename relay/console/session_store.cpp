#include "relay/console/session_store.hpp"

#include <algorithm>

namespace relay::console {

SessionStore::SessionStore(std::chrono::seconds idle, std::size_t max_sessions)
    : idle_(idle), max_sessions_(std::max<std::size_t>(max_sessions, 1)) {}

void SessionStore::open(std::string id, std::string csrf, TimePoint now) {
  std::erase_if(sessions_, [&](const auto& entry) { return expired(entry.second, now); });
  while (sessions_.size() >= max_sessions_) {
    const auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    sessions_.erase(oldest);
  }
  sessions_.insert_or_assign(std::move(id), Session{std::move(csrf), now});
}

std::optional<SessionStore::Session> SessionStore::use(std::string_view id, TimePoint now) {
  const auto found = sessions_.find(id);
  if (found == sessions_.end()) return std::nullopt;
  if (expired(found->second, now)) {
    sessions_.erase(found);
    return std::nullopt;
  }
  found->second.last_used = now;
  return found->second;
}

void SessionStore::close(std::string_view id) {
  if (const auto found = sessions_.find(id); found != sessions_.end()) sessions_.erase(found);
}

}  // namespace relay::console
