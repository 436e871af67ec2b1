#pragma once
// The key set one JWT door verifies with, shared by every server thread: readers take an
// immutable snapshot; a new set replaces it whole. Filled by a JWKS fetcher (relay/net),
// or seeded directly from JWKS text (relay's own token endpoint's keys). Any thread may
// call any member.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "relay/jwt/jwks.hpp"

namespace relay::jwt {

class KeyCache {
 public:
  // The current set; null until one was stored (the door then answers 503).
  std::shared_ptr<const KeySet> keys() const;

  // Parses `jwks` and, when it holds a usable key, makes it the current set; otherwise keeps
  // the current set and returns why not.
  std::optional<std::string> store_jwks(std::string_view jwks);

  // Who fetches the set again when asked (empty: nobody), and how often at most.
  void set_refresher(std::function<void()> refresh, std::chrono::seconds min_interval);

  // A token named a kid the set lacks, or no set is there yet: calls the refresher unless
  // it was called less than min_interval before `now`. True when it was called.
  bool request_refresh(std::chrono::system_clock::time_point now);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const KeySet> keys_;
  std::function<void()> refresh_;
  std::chrono::seconds min_interval_{60};
  std::optional<std::chrono::system_clock::time_point> last_request_;
};

}  // namespace relay::jwt
