#pragma once
// A test Amazon EventBridge (tests/support/test_eventbridge.js under node) on 127.0.0.1: it
// verifies each call's SigV4 with @smithy/signature-v4 under the keys below, answers
// PutEvents per entry as the test scripts it, and reports every call. One test thread.
#include "tests/support/child_process.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relay::testing {

inline constexpr const char* kTestAccessKeyId = "AKIDEXAMPLE";
inline constexpr const char* kTestSecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
inline constexpr const char* kTestRegion = "us-east-1";

// The npm packages the server and the SDK cross-checks use.
std::string eventbridge_npm_modules();

struct EventBridgeCall {
  std::string verdict;  // "ok", or why the signature or request was refused
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  unsigned status = 0;
  std::string answer;
  boost::json::array entries() const;  // the body's Entries (empty when it has none)
};

class TestEventBridge {
 public:
  // `script`: the "entries", "calls" and "quiet" settings test_eventbridge.js describes.
  explicit TestEventBridge(const boost::json::object& script = {});

  const std::string& url() const { return url_; }
  // The next call the server answered, or nullopt when none comes within `timeout`.
  std::optional<EventBridgeCall> next_call(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Calls until `entries` entries arrived, or the deadline passed.
  std::vector<EventBridgeCall> calls_until(std::size_t entries, std::chrono::milliseconds timeout);

 private:
  ChildProcess process_;
  std::string url_;
};

}  // namespace relay::testing
