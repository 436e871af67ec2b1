#pragma once
// The embedded outbox on one SQLite file in WAL mode. One instance per thread that uses
// it (SQLite connections are not shared); several connections may open the same file, one
// of them as its owner (the serving relay). The file, its -wal and -shm are created 0600,
// missing directories 0700: they hold every event body.
#include "relay/store/outbox.hpp"

#include <memory>
#include <string>

namespace relay::store {

struct SqliteOptions {
  bool synchronous_full = true;  // fsync every commit (power-loss safe); false: WAL's NORMAL
  std::chrono::milliseconds busy_timeout{5000};
  // Cap (0: none) on the pages in use plus the write-ahead log; beyond it accepts fail as "full".
  std::size_t max_bytes = 0;
  bool owner = false;  // hold the OwnerLock: a second owner of the file is refused
};

// Opens (creating the file, its directory and the schema when missing) or throws StoreError.
std::unique_ptr<Outbox> open_sqlite_outbox(const std::string& path, SqliteOptions options = {});

}  // namespace relay::store
