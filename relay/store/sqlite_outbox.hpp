#pragma once
// The embedded outbox on one SQLite file in WAL mode. One instance per thread that uses
// it (SQLite connections are not shared); several connections may open the same file.
#include "relay/store/outbox.hpp"

#include <memory>
#include <string>

namespace relay::store {

struct SqliteOptions {
  bool synchronous_full = true;  // fsync every commit (power-loss safe); false: WAL's NORMAL
  std::chrono::milliseconds busy_timeout{5000};
  std::size_t max_bytes = 0;  // cap on the file's size (0: none); beyond it writes fail as "full"
};

// Opens (creating the file, its directory and the schema when missing) or throws StoreError.
std::unique_ptr<Outbox> open_sqlite_outbox(const std::string& path, SqliteOptions options = {});

}  // namespace relay::store
