#pragma once
// The outbox on a PostgreSQL database that several relays share. Claims take rows with
// FOR UPDATE SKIP LOCKED, so relays never lease one delivery twice; dedupe holds across them
// (one row per event id, route and destination). Times are judged on the database's clock:
// each connection measures how far this machine's clock is from the server's and moves every
// time it is given (and gives back) by that much, so relays with skewed clocks agree on when
// a lease runs out or a retry falls due. Accepts notify the channel kNotifyChannel on commit.
// One instance per thread (one connection each).
#include "relay/store/outbox.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace relay::store {

inline constexpr std::string_view kNotifyChannel = "relay_outbox";

struct PostgresOptions {
  std::chrono::milliseconds statement_timeout{10000};
  // Cap (0: none) on the relay tables' size on disk; beyond it accepts fail as "full".
  std::size_t max_bytes = 0;
};

// Connects and brings the schema up to date (postgres_schema.hpp), or throws StoreError.
std::unique_ptr<Outbox> open_postgres_outbox(const std::string& url, PostgresOptions options = {});

}  // namespace relay::store
