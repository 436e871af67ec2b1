#include "relay/jwt/jwks.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json/parse.hpp>

#include "relay/core/base64.hpp"

namespace relay::jwt {

namespace json = boost::json;

namespace {

constexpr int kMinRsaBits = 2048;

using Params = std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)>;
using ParamBuilder = std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using Bignum = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

// The base64url member `name` of `jwk`, decoded; nullopt (and `why`) when missing or bad.
std::optional<std::string> member_bytes(const json::object& jwk, std::string_view name, std::string& why) {
  const auto* v = jwk.if_contains(name);
  auto bytes = v && v->is_string() ? core::base64url_decode(v->get_string()) : std::nullopt;
  if (!bytes || bytes->empty()) {
    why = std::string(name) + " is missing or not base64url";
    return std::nullopt;
  }
  return bytes;
}

std::shared_ptr<evp_pkey_st> from_params(const char* type, OSSL_PARAM_BLD* builder) {
  Params params(OSSL_PARAM_BLD_to_param(builder), OSSL_PARAM_free);
  PkeyContext ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return nullptr;
  std::shared_ptr<evp_pkey_st> owned(key, EVP_PKEY_free);
  PkeyContext check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr), EVP_PKEY_CTX_free);
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return owned;
}

// The key, or why it cannot be used.
std::variant<std::shared_ptr<evp_pkey_st>, std::string> rsa_key(const json::object& jwk) {
  std::string why;
  const auto n = member_bytes(jwk, "n", why);
  const auto e = n ? member_bytes(jwk, "e", why) : std::nullopt;
  if (!n || !e) return why;
  const auto bignum = [](const std::string& bytes) {
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    return Bignum(BN_bin2bn(data, static_cast<int>(bytes.size()), nullptr), BN_free);
  };
  const Bignum bn = bignum(*n);
  const Bignum be = bignum(*e);
  if (!bn || !be) return std::string("n or e cannot be read");
  if (BN_num_bits(bn.get()) < kMinRsaBits) return "an RSA key under " + std::to_string(kMinRsaBits) + " bits";
  ParamBuilder builder(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
    return std::string("cannot build the RSA key");
  auto key = from_params("RSA", builder.get());
  if (!key) return std::string("not a valid RSA public key");
  return key;
}

std::variant<std::shared_ptr<evp_pkey_st>, std::string> ec_key(const json::object& jwk) {
  const auto* crv = jwk.if_contains("crv");
  if (!crv || !crv->is_string() || crv->get_string() != "P-256") return std::string("crv is not P-256");
  std::string why;
  const auto x = member_bytes(jwk, "x", why);
  const auto y = x ? member_bytes(jwk, "y", why) : std::nullopt;
  if (!x || !y) return why;
  if (x->size() != 32 || y->size() != 32) return std::string("x and y must be 32 bytes each");
  const std::string point = '\x04' + *x + *y;
  ParamBuilder builder(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return std::string("cannot build the EC key");
  auto key = from_params("EC", builder.get());
  if (!key) return std::string("not a point on P-256");
  return key;
}

// The key at keys[i], or why it is passed over.
std::variant<PublicKey, std::string> read_key(const json::value& v) {
  if (!v.is_object()) return std::string("not a JSON object");
  const auto& jwk = v.get_object();
  const auto text = [&jwk](std::string_view name) -> std::optional<std::string_view> {
    const auto* m = jwk.if_contains(name);
    if (!m || !m->is_string()) return std::nullopt;
    return std::string_view(m->get_string());
  };
  if (jwk.contains("use") && text("use") != "sig") return std::string("use is not \"sig\"");
  if (const auto* ops = jwk.if_contains("key_ops")) {
    bool verifies = false;
    if (ops->is_array())
      for (const auto& op : ops->get_array()) verifies = verifies || (op.is_string() && op.get_string() == "verify");
    if (!verifies) return std::string("key_ops does not list \"verify\"");
  }
  const auto kty = text("kty");
  PublicKey key;
  if (jwk.contains("kid")) {
    if (!text("kid")) return std::string("kid is not a string");
    key.kid = std::string(*text("kid"));
  }
  std::variant<std::shared_ptr<evp_pkey_st>, std::string> made;
  if (kty == "RSA") {
    key.alg = Algorithm::rs256;
    made = rsa_key(jwk);
  } else if (kty == "EC") {
    key.alg = Algorithm::es256;
    made = ec_key(jwk);
  } else {
    return "kty " + (kty ? "\"" + std::string(*kty) + "\"" : std::string("(missing)")) + " is not RSA or EC";
  }
  if (jwk.contains("alg") && text("alg") != algorithm_name(key.alg))
    return std::string("alg does not match the key type (") + std::string(algorithm_name(key.alg)) + ")";
  if (auto* why = std::get_if<std::string>(&made)) return *why;
  key.key = std::get<0>(std::move(made));
  return key;
}

}  // namespace

std::string_view algorithm_name(Algorithm alg) { return alg == Algorithm::rs256 ? "RS256" : "ES256"; }

std::variant<KeySet, std::string> parse_jwks(std::string_view text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) return "JWKS: not JSON: " + ec.message();
  const auto* keys = doc.is_object() ? doc.get_object().if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) return std::string("JWKS: expected an object with a \"keys\" array");
  KeySet set;
  const auto& array = keys->get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto key = read_key(array[i]);
    if (auto* why = std::get_if<std::string>(&key))
      set.skipped.push_back("keys[" + std::to_string(i) + "]: " + *why);
    else
      set.keys.push_back(std::get<PublicKey>(std::move(key)));
  }
  if (set.keys.empty()) {
    std::string why = "JWKS: no usable RS256 or ES256 signing key";
    for (const auto& s : set.skipped) why += "; " + s;
    return why;
  }
  return set;
}

}  // namespace relay::jwt
