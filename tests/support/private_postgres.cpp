#include "tests/support/private_postgres.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace relay::testing {

namespace {

// Debian keeps the server's programs under /usr/lib/postgresql/<version>/bin.
std::string server_bin_dir() {
  std::string newest;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
    if (std::filesystem::exists(entry.path() / "bin" / "initdb") && entry.path().string() > newest)
      newest = entry.path().string();
  if (newest.empty()) throw std::runtime_error("no PostgreSQL server programs under /usr/lib/postgresql (package postgresql)");
  return newest + "/bin";
}

// A port nothing listens on now; the server binds it moments later.
int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("no free port on 127.0.0.1");
  ::close(s);
  return ntohs(addr.sin_port);
}

}  // namespace

PrivatePostgres::PrivatePostgres() : bin_(server_bin_dir()), data_(dir_.path() + "/data"), port_(free_port()) {
  if (::geteuid() == 0) {
    const passwd* owner = ::getpwnam("postgres");
    if (!owner) throw std::runtime_error("running as root, and there is no user postgres to run the server as");
    if (::chown(dir_.path().c_str(), owner->pw_uid, owner->pw_gid) != 0)
      throw std::runtime_error("cannot hand " + dir_.path() + " to user postgres");
  }
  const auto made = run_as_owner({bin_ + "/initdb", "-D", data_, "-U", "relay_test", "--auth=trust", "--no-sync",
                                  "--no-instructions"});
  if (made.exit_code != 0) throw std::runtime_error("initdb failed: " + made.out + made.err);
  start();
}

PrivatePostgres::~PrivatePostgres() {
  if (running_) run_as_owner({bin_ + "/pg_ctl", "-D", data_, "-m", "immediate", "-w", "stop"});
}

std::string PrivatePostgres::url() const {
  return "postgresql://relay_test@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

void PrivatePostgres::start() {
  const auto r = run_as_owner({bin_ + "/pg_ctl", "-D", data_, "-l", data_ + "/server.log", "-w", "-t", "60", "-o",
                               "-p " + std::to_string(port_) + " -k " + data_ + " -c listen_addresses=127.0.0.1",
                               "start"});
  if (r.exit_code != 0)
    throw std::runtime_error("pg_ctl start failed: " + r.out + r.err + read_text(data_ + "/server.log"));
  running_ = true;
}

void PrivatePostgres::stop() {
  const auto r = run_as_owner({bin_ + "/pg_ctl", "-D", data_, "-m", "fast", "-w", "-t", "60", "stop"});
  if (r.exit_code != 0) throw std::runtime_error("pg_ctl stop failed: " + r.out + r.err);
  running_ = false;
}

ProcessResult PrivatePostgres::run_as_owner(std::vector<std::string> argv) const {
  if (::geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
  return run_process(argv);
}

}  // namespace relay::testing
