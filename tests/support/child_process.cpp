#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

extern char** environ;

namespace relay::testing {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& x : extra) replaced |= x.rfind(name, 0) == 0;
    if (!replaced) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);

  // The test process may block signals; the child starts with none blocked.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env = environment_with(extra_env), args = argv;
  std::vector<char*> envp, argp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);
  const int rc = posix_spawnp(&pid_, argp[0], &actions, &attr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out[1]);
  close(err[1]);
  out_.fd = out[0];
  err_.fd = err[0];
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
}

ChildProcess::~ChildProcess() {
  if (!exit_code_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  close(out_.fd);
  close(err_.fd);
}

std::optional<std::string> ChildProcess::line(Stream& s, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (const auto nl = s.pending.find('\n'); nl != std::string::npos) {
      std::string l = s.pending.substr(0, nl);
      s.pending.erase(0, nl + 1);
      s.seen += l + "\n";
      return l;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left < 0) return std::nullopt;
    pollfd p{s.fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) {
      if (Clock::now() >= deadline) return std::nullopt;
      continue;
    }
    char buf[65536];
    const auto n = read(s.fd, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    s.pending.append(buf, static_cast<std::size_t>(n));
  }
}

std::optional<std::string> ChildProcess::stdout_line(std::chrono::milliseconds timeout) { return line(out_, timeout); }
std::optional<std::string> ChildProcess::stderr_line(std::chrono::milliseconds timeout) { return line(err_, timeout); }

std::optional<std::string> ChildProcess::wait_stderr(std::string_view text, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto l = stderr_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!l) return std::nullopt;
    if (l->find(text) != std::string::npos) return l;
  }
  return std::nullopt;
}

std::string ChildProcess::stderr_text(std::chrono::milliseconds timeout) {
  while (stderr_line(timeout)) {
  }
  return err_.seen + err_.pending;
}

void ChildProcess::signal(int sig) {
  if (!exit_code_) kill(pid_, sig);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    // Without a SIGCHLD handler there is no exit to wait on: wait up to 10 ms for stderr
    // output (kept for stderr_text) between checks.
    pollfd p{err_.fd, POLLIN, 0};
    poll(&p, 1, 10);
    if (p.revents & POLLIN) {
      char buf[65536];
      const auto n = read(err_.fd, buf, sizeof buf);
      if (n > 0) err_.pending.append(buf, static_cast<std::size_t>(n));
    }
  }
  return exit_code_;
}

std::string listening_url(ChildProcess& p, std::chrono::milliseconds timeout) {
  auto l = p.wait_stderr("listening on ", timeout);
  if (!l) throw std::runtime_error("the server did not say where it listens:\n" + p.stderr_text());
  auto url = l->substr(l->find("listening on ") + 13);
  return url.substr(0, url.find_first_of(" \""));  // the line is a JSON log object
}

}  // namespace relay::testing
