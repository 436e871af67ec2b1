#pragma once
// Which outbox backend relay uses and how (the config's `store` section): the embedded SQLite
// file (one relay) or a PostgreSQL database several relays share.
#include <chrono>
#include <cstddef>
#include <string>

namespace relay::store {

enum class StoreType { sqlite, postgres };

struct StoreSettings {
  StoreType type = StoreType::sqlite;
  // sqlite
  std::string path = "var/relay.db";
  bool synchronous_full = true;  // fsync every commit; false: WAL's NORMAL (a power loss may lose the last commits)
  std::chrono::milliseconds busy_timeout{5000};  // waiting for a lock before a write fails
  // postgres
  std::string url;  // resolved: postgresql://user:password@host:5432/db?sslmode=verify-full
  std::chrono::milliseconds statement_timeout{10000};
  // both
  std::size_t max_bytes = 0;  // cap on the stored data (0: none); beyond it accepts fail as "full"
  std::chrono::milliseconds retention = std::chrono::hours(24 * 7);  // delivered rows and their logs
};

}  // namespace relay::store
