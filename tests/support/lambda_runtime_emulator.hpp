#pragma once
// The Lambda Runtime API (custom runtimes, 2018-06-01) on 127.0.0.1, a port the system
// picks, for tests: it runs a runtime (an executable taking no arguments, like a function's
// `bootstrap`) as a child process with AWS_LAMBDA_RUNTIME_API pointing at it, hands out the
// invocations a test queues (GET /runtime/invocation/next, with the request id, deadline,
// function ARN and trace id headers) and records every answer (/invocation/{id}/response,
// /invocation/{id}/error, /init/error). Serves on its own thread; the methods are for the
// test's thread.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.hpp"

namespace relay::testing {

class LambdaRuntimeEmulator {
 public:
  struct Runtime {
    std::string executable;        // run with no arguments
    std::vector<std::string> env;  // "NAME=value", added to the test's environment
  };

  // What the runtime posted for an invocation, or for its initialisation.
  struct Answer {
    bool error = false;      // posted to .../error (or /init/error)
    std::string body;
    std::string error_type;  // its Lambda-Runtime-Function-Error-Type header
  };

  LambdaRuntimeEmulator();
  ~LambdaRuntimeEmulator();  // shuts down, then kills the runtime if it still runs
  LambdaRuntimeEmulator(const LambdaRuntimeEmulator&) = delete;
  LambdaRuntimeEmulator& operator=(const LambdaRuntimeEmulator&) = delete;

  std::string address() const;  // "127.0.0.1:PORT", what AWS_LAMBDA_RUNTIME_API says

  // Starts the runtime; once.
  void launch(const Runtime& runtime);
  ChildProcess& runtime();

  // Queues an invocation and returns its request id. Its deadline is `budget` after the
  // runtime takes it (a negative budget: already past when it arrives).
  std::string invoke(std::string payload, std::chrono::milliseconds budget = std::chrono::seconds(30));

  // The answer to `request_id`, or nullopt when none comes within `timeout`.
  std::optional<Answer> wait_answer(const std::string& request_id, std::chrono::milliseconds timeout);
  std::optional<Answer> wait_init_error(std::chrono::milliseconds timeout);

  // What the emulator does with a connection once it has answered a POST: keeps it open for
  // more calls (the real Runtime API's way, the default), closes it saying so in the answer
  // (Connection: close), or closes it without a word, as when a kept connection times out.
  enum class AfterPost { keep_open, close_announced, close_silently };
  void after_each_post(AfterPost what);

  // How many connections the runtime has opened so far.
  std::size_t connections() const;

  // Closes the listener and every connection, a pending `next` included: the Runtime API is gone.
  void shut_down();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  std::thread thread_;
  std::unique_ptr<ChildProcess> runtime_;
};

// An executable that runs `relay lambda` (the relay binary under test), written into `dir`;
// or the one $RELAY_LAMBDA_BOOTSTRAP names (a packaged bootstrap) when set.
std::string relay_lambda_bootstrap(const std::string& dir);

}  // namespace relay::testing
