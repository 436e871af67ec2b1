#include "relay/jwt/token.hpp"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <memory>

#include "relay/core/base64.hpp"

namespace relay::jwt {

namespace json = boost::json;

namespace {

constexpr std::size_t kEs256SignatureBytes = 64;

std::optional<json::object> decode_object(std::string_view part) {
  const auto bytes = core::base64url_decode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// "JWT" or "at+jwt" (RFC 9068), with or without "application/", in any case.
bool jwt_type(std::string_view typ) {
  if (typ.size() > 12 && equals_ignoring_case(typ.substr(0, 12), "application/")) typ.remove_prefix(12);
  return equals_ignoring_case(typ, "JWT") || equals_ignoring_case(typ, "at+jwt");
}

// r||s as the DER ECDSA-Sig-Value OpenSSL verifies; empty when it cannot be made.
std::string der_signature(std::string_view raw) {
  if (raw.size() != kEs256SignatureBytes) return {};
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::variant<Token, std::string> parse_token(std::string_view compact) {
  const auto first = compact.find('.');
  const auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos)
    return std::string("not a compact JWS (three dot-separated parts)");
  auto header = decode_object(compact.substr(0, first));
  if (!header) return std::string("header is not base64url JSON object");
  Token token;
  const auto* alg = header->if_contains("alg");
  if (!alg || !alg->is_string()) return std::string("header has no alg");
  token.alg = std::string(alg->get_string());
  if (const auto* kid = header->if_contains("kid")) {
    if (!kid->is_string()) return std::string("header kid is not a string");
    token.kid = std::string(kid->get_string());
  }
  if (const auto* typ = header->if_contains("typ"); typ && (!typ->is_string() || !jwt_type(typ->get_string())))
    return std::string("header typ is not JWT");
  if (header->contains("crit")) return std::string("header has crit extensions relay does not understand");
  auto claims = decode_object(compact.substr(first + 1, second - first - 1));
  if (!claims) return std::string("payload is not a base64url JSON object");
  token.claims = std::move(*claims);
  auto signature = core::base64url_decode(compact.substr(second + 1));
  if (!signature) return std::string("signature is not base64url");
  token.signature = std::move(*signature);
  token.signing_input = compact.substr(0, second);
  return token;
}

bool signature_valid(const PublicKey& key, std::string_view signing_input, std::string_view signature) {
  const std::string der = key.alg == Algorithm::es256 ? der_signature(signature) : std::string(signature);
  if (der.empty()) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
}

}  // namespace relay::jwt
