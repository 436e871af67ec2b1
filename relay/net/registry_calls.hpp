#pragma once
// The live registry's admin calls as a server thread runs them: the registry read and
// written on the store worker, each change judged against the config being served
// (registry_change.hpp), audited with the client's address, and served at once through
// `registry` (registry_watch.hpp). Any server thread.
#include <memory>
#include <string>

#include "relay/net/admin_api.hpp"
#include "relay/net/live_config.hpp"
#include "relay/net/registry_watch.hpp"
#include "relay/store/store_worker.hpp"

namespace relay::net {

// What a registry change reads from its request besides the target.
struct AdminRequest {
  std::string body;
  std::string if_match, if_none_match;
};

// `call` is_registry(). Without a store or a registry watch (sync mode, no config file):
// 409. A change blocks this thread until it is served.
awaitable<Answer> answer_registry_call(AdminCall call, AdminRequest request, std::string client,
                                       std::shared_ptr<const ServingConfig> serving, store::StoreWorker* store,
                                       RegistryWatch* registry);

}  // namespace relay::net
