#pragma once
// A PostgreSQL database of its own for one test: created empty on the test server, dropped
// (closing whatever is still connected) when the object goes. The server is the one
// RELAY_TEST_POSTGRES_URL names (a URL to a database of a role that may create databases),
// by default postgresql://relay_test:relay_test@127.0.0.1:5432/postgres, which
// scripts/test-postgres.sh sets up. Throws std::runtime_error, saying so, when it is not there.
#include <string>

namespace relay::testing {

class PostgresDatabase {
 public:
  PostgresDatabase();
  ~PostgresDatabase();
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // Runs `sql` as the administering role on the server's maintenance database.
  static void admin(const std::string& sql);

 private:
  std::string name_, url_;
};

// The URL of the test server's maintenance database.
std::string postgres_admin_url();

}  // namespace relay::testing
