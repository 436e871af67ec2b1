#include "relay/core/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace relay::core {

namespace {

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

EVP_MAC* hmac_algorithm() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

}  // namespace

// The keyed context holds the key schedule. Each thread keeps a working copy of the last
// key it used and re-initialises it per message (a cheap reset that keeps the key);
// another key on the same thread takes a fresh copy.
struct HmacSha256::Impl {
  MacCtx keyed;
  std::uint64_t serial;
};

namespace {

std::uint64_t next_serial() {
  static std::atomic<std::uint64_t> serial{0};
  return ++serial;
}

struct ThreadCopy {
  std::uint64_t serial = 0;
  MacCtx ctx;
};

}  // namespace

HmacSha256::HmacSha256(std::string_view key) : impl_(std::make_unique<Impl>()) {
  impl_->serial = next_serial();
  impl_->keyed.reset(EVP_MAC_CTX_new(hmac_algorithm()));
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  static const unsigned char empty = 0;
  const auto* k = key.empty() ? &empty : reinterpret_cast<const unsigned char*>(key.data());
  if (!impl_->keyed || EVP_MAC_init(impl_->keyed.get(), k, key.size(), params) != 1)
    throw std::runtime_error("OpenSSL: cannot set up HMAC-SHA256");
}

HmacSha256::~HmacSha256() = default;
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;

Digest HmacSha256::mac(std::initializer_list<std::string_view> parts) const {
  thread_local ThreadCopy copy;
  if (copy.serial != impl_->serial) {
    copy.ctx.reset(EVP_MAC_CTX_dup(impl_->keyed.get()));
    if (!copy.ctx) throw std::runtime_error("OpenSSL: cannot duplicate HMAC context");
    copy.serial = impl_->serial;
  } else if (EVP_MAC_init(copy.ctx.get(), nullptr, 0, nullptr) != 1) {
    throw std::runtime_error("OpenSSL: cannot reset HMAC context");
  }
  EVP_MAC_CTX* ctx = copy.ctx.get();
  for (auto p : parts) EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  Digest out{};
  std::size_t len = 0;
  EVP_MAC_final(ctx, out.data(), &len, out.size());
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
