#include "tests/support/jose.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

#include "tests/support/npm_packages.hpp"
#include "tests/support/run_process.hpp"

namespace relay::testing {

namespace json = boost::json;

JoseKeys jose_tokens(const std::vector<JoseToken>& tokens) {
  json::array list;
  for (const auto& t : tokens) {
    json::object spec{{"key", t.key}, {"claims", t.claims}};
    if (!t.alg.empty()) spec["alg"] = t.alg;
    if (t.kid.empty()) spec["kid"] = nullptr;
    else if (t.kid != "(key's)") spec["kid"] = t.kid;
    if (!t.tamper.empty()) spec["tamper"] = t.tamper;
    list.push_back(std::move(spec));
  }
  const std::string npm = npm_packages({"jose@6.2.17"});
  const auto node = run_process({"node", RELAY_SOURCE_DIR "/tests/support/jose_tokens.mjs", npm},
                                json::serialize(json::object{{"tokens", list}}));
  if (node.exit_code != 0) throw std::runtime_error("jose_tokens.mjs failed: " + node.err);
  const auto out = json::parse(node.out).as_object();
  JoseKeys keys{json::serialize(out.at("jwks")), json::serialize(out.at("jwks_other")),
                json::serialize(out.at("jwks_all")), {}};
  for (const auto& token : out.at("tokens").as_array()) keys.tokens.emplace_back(token.as_string());
  return keys;
}

}  // namespace relay::testing
