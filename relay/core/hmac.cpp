#include "relay/core/hmac.hpp"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but only their
// context is a plain struct: HMAC's keyed inner and outer states are copied per message by
// assignment, where an EVP context is duplicated with a heap allocation and a provider call
// (about 0.4 µs a signature, measured with bench/bench_pipeline's BM_SignOnly).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <stdexcept>

namespace relay::core {

// The SHA-256 states after absorbing the key XOR ipad and the key XOR opad (RFC 2104).
struct HmacSha256::Impl {
  SHA256_CTX inner;
  SHA256_CTX outer;
};

HmacSha256::HmacSha256(std::string_view key) : impl_(std::make_unique<Impl>()) {
  constexpr std::size_t kBlock = SHA256_CBLOCK;
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock)
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  else
    std::copy(key.begin(), key.end(), block);
  unsigned char pad[kBlock];
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(&impl_->inner);
  SHA256_Update(&impl_->inner, pad, kBlock);
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(&impl_->outer);
  SHA256_Update(&impl_->outer, pad, kBlock);
  OPENSSL_cleanse(block, kBlock);
  OPENSSL_cleanse(pad, kBlock);
}

HmacSha256::~HmacSha256() {
  if (impl_) OPENSSL_cleanse(impl_.get(), sizeof(Impl));
}
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;

Digest HmacSha256::mac(std::initializer_list<std::string_view> parts) const {
  SHA256_CTX ctx = impl_->inner;
  for (auto p : parts) SHA256_Update(&ctx, p.data(), p.size());
  Digest out{};
  SHA256_Final(out.data(), &ctx);
  ctx = impl_->outer;
  SHA256_Update(&ctx, out.data(), out.size());
  SHA256_Final(out.data(), &ctx);
  OPENSSL_cleanse(&ctx, sizeof ctx);
  return out;
}

Digest sha256(std::string_view bytes) {
  Digest out{};
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: cannot compute SHA-256");
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Digests have one length whatever the inputs': no early return on a length mismatch.
  const Digest da = sha256(a), db = sha256(b);
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
}

}  // namespace relay::core
