#pragma once
// ingress.aws: the access keys relay's event bus accepts and what its events carry.
#include <string>
#include <vector>

namespace relay::bus {

struct AccessKey {
  std::string access_key_id;
  std::string secret_access_key;
  std::string account;  // 12 digits
};

// ingress.aws in the config. Without credentials calls are not checked here (ingress.auth
// decides) and events carry `account`.
struct BusSettings {
  std::string region = "us-east-1";
  std::string account = "000000000000";
  std::vector<AccessKey> credentials;
};

}  // namespace relay::bus
