#include "relay/jwt/verify.hpp"

#include "relay/jwt/token.hpp"

namespace relay::jwt {

Verdict verify_token(std::string_view compact, const KeySet& keys, const Policy& policy,
                     std::chrono::system_clock::time_point now) {
  auto parsed = parse_token(compact);
  if (auto* why = std::get_if<std::string>(&parsed)) return {Verdict::refused, *why};
  const Token& token = std::get<Token>(parsed);
  if (token.alg != algorithm_name(Algorithm::rs256) && token.alg != algorithm_name(Algorithm::es256))
    return {Verdict::refused, "algorithm \"" + token.alg.substr(0, 16) + "\" is not accepted (RS256, ES256)"};
  bool kid_known = !token.kid;
  bool signed_by_key = false;
  for (const auto& key : keys.keys) {
    if (token.kid && key.kid != *token.kid) continue;
    kid_known = true;
    if (algorithm_name(key.alg) != token.alg) continue;
    if (signature_valid(key, token.signing_input, token.signature)) {
      signed_by_key = true;
      break;
    }
  }
  if (!kid_known) return {Verdict::unknown_key, "no key with the token's kid"};
  if (!signed_by_key) return {Verdict::refused, "signature does not verify with any " + token.alg + " key of the set"};
  if (auto why = claims_refusal(token.claims, policy, now)) return {Verdict::refused, std::move(*why)};
  return {Verdict::accepted, {}};
}

}  // namespace relay::jwt
