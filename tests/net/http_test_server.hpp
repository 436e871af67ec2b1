#pragma once
// An HTTP/1.1 server on 127.0.0.1 (a port the system picks), HTTPS with a certificate and
// key when given, whose answers a test scripts from each parsed request, and which keeps
// every request for the test to inspect. Serves on its own thread; `handle` runs there.
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace relay::testing {

class HttpTestServer {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::string header(const std::string& name) const;  // "" when absent
  };
  struct Response {
    unsigned status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };

  struct Tls {
    std::string cert_file;
    std::string key_file;
  };

  explicit HttpTestServer(std::function<Response(const Request&)> handle, std::optional<Tls> tls = std::nullopt);
  ~HttpTestServer();  // stops serving and joins its thread

  std::string url() const { return (tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port_); }
  std::vector<Request> requests() const;

  struct Impl;  // the serving coroutines' state (in the .cpp)

 private:
  std::unique_ptr<Impl> impl_;
  bool tls_ = false;
  unsigned short port_ = 0;
  std::thread thread_;
};

}  // namespace relay::testing
