#pragma once
// A background process for tests (servers): its stdout and stderr are read line by line
// with deadlines; it is killed on destruction if still running.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::testing {

class ChildProcess {
 public:
  // argv[0] is looked up in PATH; extra_env entries are "NAME=value" added or replacing.
  explicit ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next complete line, or nullopt at end of stream or when `timeout` passes.
  std::optional<std::string> stdout_line(std::chrono::milliseconds timeout);
  std::optional<std::string> stderr_line(std::chrono::milliseconds timeout);

  // Reads stderr until a line contains `text` and returns that line; nullopt at the deadline.
  std::optional<std::string> wait_stderr(std::string_view text, std::chrono::milliseconds timeout);

  // Every stderr line read so far, and whatever else is there within `timeout`.
  std::string stderr_text(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

  pid_t pid() const { return pid_; }
  void signal(int sig);
  // The exit code (128 + signal when killed), or nullopt when it is still running at the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  struct Stream {
    int fd = -1;
    std::string pending;
    std::string seen;  // every line returned, for stderr_text
  };
  std::optional<std::string> line(Stream& s, std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  Stream out_, err_;
};

// "listening on URL" from a relay server's first stderr line: the URL.
std::string listening_url(ChildProcess& p, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace relay::testing
