#pragma once
// The EC P-256 key relay signs its access tokens with (ES256), and its public half as a
// JWK. The private key leaves only as PEM text, for the store; it is never logged or
// served. Immutable after construction: any thread may use one at once.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace relay::oauth {

class SigningKey {
 public:
  // A new random key.
  static SigningKey generate();
  // A PEM EC P-256 private key (SEC 1 "EC PRIVATE KEY" or PKCS #8 "PRIVATE KEY"); nullopt
  // with `error` set (never quoting the text) for anything else.
  static std::optional<SigningKey> from_pem(std::string_view pem, std::string& error);

  ~SigningKey();
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;

  // PKCS #8 PEM of the private key: for the store only.
  std::string private_pem() const;
  // The public key's coordinates, base64url (32 bytes each).
  const std::string& x() const { return x_; }
  const std::string& y() const { return y_; }
  // The RFC 7638 thumbprint of the public JWK (SHA-256, base64url): the tokens' "kid".
  const std::string& thumbprint() const { return thumbprint_; }
  // The ES256 signature of `message` in JOSE form: r || s, 32 bytes each (RFC 7518 3.4).
  std::string sign(std::string_view message) const;

 private:
  struct Pkey;
  explicit SigningKey(std::unique_ptr<Pkey> pkey);
  std::unique_ptr<Pkey> pkey_;
  std::string x_, y_, thumbprint_;
};

}  // namespace relay::oauth
