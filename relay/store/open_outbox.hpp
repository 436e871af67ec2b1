#pragma once
// Opens the outbox the settings name. `owner`: the caller is the relay serving from it (for
// SQLite it takes the file's OwnerLock; a PostgreSQL store is shared and has no owner).
// Throws StoreError.
#include "relay/store/outbox.hpp"
#include "relay/store/store_settings.hpp"

#include <memory>
#include <string>

namespace relay::store {

std::unique_ptr<Outbox> open_outbox(const StoreSettings& settings, bool owner);

// The store for logs: "SQLite var/relay.db" or "PostgreSQL db.example:5432/relay" (no
// user or password).
std::string store_description(const StoreSettings& settings);

}  // namespace relay::store
