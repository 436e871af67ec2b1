#pragma once
// HMAC-SHA256 keyed once per secret and reused for every message.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string_view>

namespace relay::core {

using Digest = std::array<std::uint8_t, 32>;

class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);  // the key's bytes as given (UTF-8 for text)
  ~HmacSha256();
  HmacSha256(HmacSha256&&) noexcept;
  HmacSha256& operator=(HmacSha256&&) noexcept;

  // MAC over the concatenation of `parts`. Safe to call from several threads at once.
  Digest mac(std::initializer_list<std::string_view> parts) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Plain SHA-256 of the bytes.
Digest sha256(std::string_view bytes);

// Compares secrets, signatures and tokens: the SHA-256 digests of both, in constant time,
// so the time taken tells neither where the inputs differ nor whether their lengths do.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace relay::core
