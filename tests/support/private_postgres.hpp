#pragma once
// A PostgreSQL server of one test's own (initdb into a temporary directory, trust
// authentication, 127.0.0.1 on a free port) that the test may stop and start again, as an
// operator restarting the database would. Run as root, the server runs as user postgres.
// Throws std::runtime_error, with the tool's output, when it cannot be made or started.
// One thread at a time.
#include "tests/support/run_process.hpp"

#include <string>

namespace relay::testing {

class PrivatePostgres {
 public:
  PrivatePostgres();  // made and started
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // The maintenance database as user relay_test, who owns the cluster.
  std::string url() const;
  void start();  // returns once it takes connections
  void stop();   // fast shutdown: open connections are cut, nothing committed is lost

 private:
  ProcessResult run_as_owner(std::vector<std::string> argv) const;

  TempDir dir_;
  std::string bin_, data_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace relay::testing
