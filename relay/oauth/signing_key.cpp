#include "relay/oauth/signing_key.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <stdexcept>

#include "relay/core/hmac.hpp"
#include "relay/core/base64.hpp"

namespace relay::oauth {

namespace {

constexpr int kCoordinateBytes = 32;

[[noreturn]] void fail(const char* what) {
  ERR_clear_error();
  throw std::runtime_error(std::string("ES256 key: ") + what);
}

std::string coordinate(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) fail("cannot read the public key");
  std::array<unsigned char, kCoordinateBytes> bytes{};
  const int n = BN_bn2binpad(bn, bytes.data(), kCoordinateBytes);
  BN_free(bn);
  if (n != kCoordinateBytes) fail("public key coordinate out of range");
  return core::base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool is_p256(const EVP_PKEY* pkey) {
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) return false;
  std::array<char, 64> group{};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(), &length) != 1)
    return false;
  const std::string_view name(group.data(), length);
  return name == "prime256v1" || name == "P-256";
}

}  // namespace

struct SigningKey::Pkey {
  explicit Pkey(EVP_PKEY* owned) : key(owned) {}
  ~Pkey() { EVP_PKEY_free(key); }
  Pkey(const Pkey&) = delete;
  Pkey& operator=(const Pkey&) = delete;
  EVP_PKEY* key;
};

SigningKey::SigningKey(std::unique_ptr<Pkey> pkey) : pkey_(std::move(pkey)) {
  x_ = coordinate(pkey_->key, OSSL_PKEY_PARAM_EC_PUB_X);
  y_ = coordinate(pkey_->key, OSSL_PKEY_PARAM_EC_PUB_Y);
  // RFC 7638: the required members in lexicographic order, no white space.
  const std::string jwk = R"({"crv":"P-256","kty":"EC","x":")" + x_ + R"(","y":")" + y_ + R"("})";
  const core::Digest digest = core::sha256(jwk);
  thumbprint_ = core::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

SigningKey::~SigningKey() = default;
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;

SigningKey SigningKey::generate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) fail("cannot generate a P-256 key");
  return SigningKey(std::make_unique<Pkey>(key));
}

std::optional<SigningKey> SigningKey::from_pem(std::string_view pem, std::string& error) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) fail("out of memory");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  if (!key) {
    error = "not a PEM private key (unencrypted, EC P-256)";
    return std::nullopt;
  }
  auto owned = std::make_unique<Pkey>(key);
  if (!is_p256(key)) {
    error = "not an EC P-256 private key (ES256 needs one)";
    return std::nullopt;
  }
  return SigningKey(std::move(owned));
}

std::string SigningKey::private_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio || PEM_write_bio_PrivateKey(bio, pkey_->key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    BIO_free(bio);
    fail("cannot write the private key");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return pem;
}

std::string SigningKey::sign(std::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::array<unsigned char, 80> der{};  // an ECDSA P-256 DER signature is at most 72 bytes
  std::size_t der_length = der.size();
  const bool signed_ok = ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey_->key) == 1 &&
                         EVP_DigestSign(ctx, der.data(), &der_length,
                                        reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!signed_ok) fail("signing failed");
  // OpenSSL gives DER (SEQUENCE of two INTEGERs); JOSE wants the fixed-width integers.
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_length));
  if (!sig) fail("unreadable signature");
  std::string raw(2 * kCoordinateBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const bool fits = BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, kCoordinateBytes) == kCoordinateBytes &&
                    BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + kCoordinateBytes, kCoordinateBytes) == kCoordinateBytes;
  ECDSA_SIG_free(sig);
  if (!fits) fail("signature integer out of range");
  return raw;
}

}  // namespace relay::oauth
