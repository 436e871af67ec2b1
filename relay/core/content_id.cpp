#include "relay/core/content_id.hpp"

#include <openssl/evp.h>

#include <array>
#include <memory>

namespace relay::core {

std::string content_id(std::initializer_list<std::string_view> parts) {
  // Fetched once: OpenSSL 3's implicit fetch behind EVP_sha256() costs a lookup per call.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex2(ctx.get(), sha256, nullptr);
  const char nul = '\0';
  for (auto p : parts) {
    EVP_DigestUpdate(ctx.get(), p.data(), p.size());
    EVP_DigestUpdate(ctx.get(), &nul, 1);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), md.data(), &len);

  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(hex[md[i] >> 4]);
    id.push_back(hex[md[i] & 0xF]);
  }
  return id;
}

}  // namespace relay::core
