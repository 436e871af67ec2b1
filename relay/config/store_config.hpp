#pragma once
// The config's `store` section: which backend (type: sqlite | postgres) and its settings;
// keys of the other backend are refused by name. Problems go to `errors` as "store.key: ...".
#include "relay/store/store_settings.hpp"

#include <boost/json/fwd.hpp>

#include <string>
#include <vector>

namespace relay::config {

void read_store(const boost::json::object& o, store::StoreSettings& out, std::vector<std::string>& errors);

}  // namespace relay::config
