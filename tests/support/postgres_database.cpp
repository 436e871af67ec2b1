#include "tests/support/postgres_database.hpp"

#include "relay/store/pg_connection.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace relay::testing {

std::string postgres_admin_url() {
  const char* url = std::getenv("RELAY_TEST_POSTGRES_URL");
  return url && *url ? url : "postgresql://relay_test:relay_test@127.0.0.1:5432/postgres";
}

void PostgresDatabase::admin(const std::string& sql) {
  try {
    store::PgConnection db(postgres_admin_url(), std::chrono::seconds(30));
    db.exec(sql);
  } catch (const store::StoreError& e) {
    throw std::runtime_error(std::string("the test PostgreSQL server (") + postgres_admin_url() +
                             "; scripts/test-postgres.sh starts one): " + e.what());
  }
}

PostgresDatabase::PostgresDatabase() {
  static std::atomic<int> count{0};
  name_ = "relay_test_" + std::to_string(::getpid()) + "_" + std::to_string(count++);
  admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  admin("CREATE DATABASE " + name_);
  const std::string admin_url = postgres_admin_url();
  const auto slash = admin_url.rfind('/');
  const auto query = admin_url.find('?', slash);
  url_ = admin_url.substr(0, slash + 1) + name_ + (query == std::string::npos ? "" : admin_url.substr(query));
}

PostgresDatabase::~PostgresDatabase() {
  try {
    admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The server went away with the test: nothing left to drop.
  }
}

}  // namespace relay::testing
