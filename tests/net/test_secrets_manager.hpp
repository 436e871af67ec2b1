#pragma once
// AWS Secrets Manager on 127.0.0.1 for tests, as relay meets it: each call must be a POST of
// GetSecretValue signed (SigV4, checked with relay's verifier) by kTestAccessKeyId with its
// secret and session token for the server's region and service secretsmanager, else it is
// refused as AWS refuses it. Secrets are answered by SecretId; an id containing "denied" is
// AccessDeniedException, an unknown one ResourceNotFoundException. add() from any thread.
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "tests/net/http_test_server.hpp"

namespace relay::testing {

// The keys the server accepts, as a Lambda function's environment gives them.
inline constexpr const char* kTestAccessKeyId = "AKIDTEST";
inline constexpr const char* kTestSecretAccessKey = "test-secret";
inline constexpr const char* kTestSessionToken = "test-token";

// A GetSecretValue answer holding `value` as its SecretString.
boost::json::object string_secret(const std::string& arn, const std::string& value);

class TestSecretsManager {
 public:
  explicit TestSecretsManager(std::string region = "us-east-1");

  void add(const std::string& secret_id, boost::json::object answer);
  std::string url() const { return server_.url(); }
  std::vector<HttpTestServer::Request> requests() const { return server_.requests(); }
  int verified() const { return verified_; }  // calls whose signature held

 private:
  HttpTestServer::Response answer(const HttpTestServer::Request& r);

  const std::string region_;
  std::mutex mutex_;
  std::map<std::string, boost::json::object> secrets_;
  std::atomic<int> verified_{0};
  HttpTestServer server_;
};

}  // namespace relay::testing
