#pragma once
// A client of the Lambda Runtime API (custom runtimes, version 2018-06-01) at the
// "host:port" Lambda gives in $AWS_LAMBDA_RUNTIME_API: one call at a time, all on one kept-alive
// connection (opened again once when the Runtime API had closed it). Failures are returned as
// text naming the call, never thrown.
// For coroutines of one io_context thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "relay/net/asio.hpp"

namespace relay::net {

struct LambdaInvocation {
  std::string request_id;                  // Lambda-Runtime-Aws-Request-Id
  std::optional<std::int64_t> deadline_ms;  // Lambda-Runtime-Deadline-Ms: Unix time in milliseconds
  std::string payload;
};

// The largest invocation payload read (Lambda's synchronous limit is 6 MB).
inline constexpr std::size_t kMaxInvocationBytes = 8u << 20;

class LambdaRuntimeApi {
 public:
  LambdaRuntimeApi(asio::io_context& io, std::string address);

  const std::string& address() const { return address_; }

  // The next invocation, however long Lambda takes to send it; or why there is none
  // (the Runtime API cannot be reached, closed the connection, or answered without a request id).
  awaitable<std::variant<LambdaInvocation, std::string>> next();

  // The invocation's result, its function error (`type` also goes in
  // Lambda-Runtime-Function-Error-Type), or the error that ended initialisation. Empty when
  // the Runtime API took it (2xx), else why not.
  awaitable<std::string> respond(std::string_view request_id, std::string body);
  awaitable<std::string> fail(std::string_view request_id, std::string_view type, std::string body);
  awaitable<std::string> fail_init(std::string_view type, std::string body);

 private:
  struct Answer {
    unsigned status = 0;
    http::response<http::string_body> response;
    std::string error;  // set when there is no answer
  };
  awaitable<Answer> call(http::verb method, std::string target, std::string_view error_type, std::string body);
  // Sends `request` on the open connection and reads the answer; empty, or what went wrong.
  awaitable<std::string> exchange(const http::request<http::string_body>& request,
                                  http::response<http::string_body>& response);
  awaitable<std::string> post(std::string target, std::string_view error_type, std::string body);

  asio::io_context& io_;
  std::string address_;
  std::string host_;
  std::string port_;
  std::optional<tcp_stream> stream_;  // the kept-alive connection, when one is open
  beast::flat_buffer buffer_;
};

}  // namespace relay::net
