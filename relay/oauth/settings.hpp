#pragma once
// What ingress.oauth configures: the clients that may ask for tokens and what the tokens say.
#include <chrono>
#include <string>
#include <vector>

namespace relay::oauth {

struct Client {
  std::string id;
  std::string secret;              // resolved (env:/file:); never logged
  std::vector<std::string> roles;  // the token's "roles" claim
};

struct Settings {
  std::vector<Client> clients;
  std::chrono::seconds token_lifetime{3600};
  std::string issuer = "relay";
  std::string audience;         // empty: tokens carry no "aud"
  std::string signing_key_pem;  // empty: generated at start and kept in the store
};

}  // namespace relay::oauth
