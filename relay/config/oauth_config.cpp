#include "relay/config/oauth_config.hpp"

#include <boost/json/object.hpp>

#include "relay/config/secret_ref.hpp"
#include "relay/core/object_reader.hpp"
#include "relay/oauth/signing_key.hpp"

namespace relay::config {

using core::ObjectReader;

namespace {

void read_client(std::size_t i, const boost::json::value& v, oauth::Settings& settings,
                 std::vector<std::string>& errors) {
  const std::string path = "ingress.oauth.clients[" + std::to_string(i) + "]";
  if (!v.is_object()) {
    errors.push_back(path + ": expected a mapping with client_id and client_secret");
    return;
  }
  ObjectReader r(v.get_object(), path, errors);
  oauth::Client client;
  client.id = r.string("client_id", {}, true);
  if (client.id.find(':') != std::string::npos)
    r.error("client_id", "must not contain ':' (HTTP Basic separates with it)");
  for (std::size_t k = 0; k < settings.clients.size(); ++k)
    if (!client.id.empty() && settings.clients[k].id == client.id)
      r.error("client_id", "\"" + client.id + "\" is already the id of clients[" + std::to_string(k) + "]");
  client.secret = read_secret(r, "client_secret", true);
  if (const auto* roles = r.value("roles")) {
    const bool list = roles->is_array();
    if (!list) r.error("roles", "expected a list of role names");
    for (std::size_t k = 0; list && k < roles->get_array().size(); ++k) {
      const auto& role = roles->get_array()[k];
      if (!role.is_string() || role.get_string().empty())
        r.error("roles[" + std::to_string(k) + "]", "expected a role name");
      else
        client.roles.emplace_back(role.get_string());
    }
  }
  r.reject_unknown();
  settings.clients.push_back(std::move(client));
}

}  // namespace

oauth::Settings read_oauth(const boost::json::object& o, std::vector<std::string>& errors) {
  using namespace std::chrono_literals;
  oauth::Settings settings;
  ObjectReader r(o, "ingress.oauth", errors);
  if (const auto* clients = r.value("clients", true)) {
    if (!clients->is_array() || clients->get_array().empty())
      r.error("clients", "expected a non-empty list of clients (client_id, client_secret, roles)");
    else
      for (std::size_t i = 0; i < clients->get_array().size(); ++i)
        read_client(i, clients->get_array()[i], settings, errors);
  }
  const auto lifetime = r.duration("token_lifetime", 1h);
  if (lifetime < 1min || lifetime > 24h) r.error("token_lifetime", "expected between 1m and 24h");
  settings.token_lifetime = std::chrono::duration_cast<std::chrono::seconds>(lifetime);
  settings.issuer = r.string("issuer", settings.issuer);
  settings.audience = r.string("audience");
  settings.signing_key_pem = read_secret(r, "signing_key", false);
  if (std::string problem;
      !settings.signing_key_pem.empty() && !oauth::SigningKey::from_pem(settings.signing_key_pem, problem))
    r.error("signing_key", problem);
  r.reject_unknown();
  return settings;
}

}  // namespace relay::config
