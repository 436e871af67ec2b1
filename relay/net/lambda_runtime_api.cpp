#include "relay/net/lambda_runtime_api.hpp"

#include <charconv>

namespace relay::net {

namespace {

constexpr std::string_view kPrefix = "/2018-06-01/runtime";
constexpr std::size_t kReadChunkBytes = 64u << 10;

}  // namespace

LambdaRuntimeApi::LambdaRuntimeApi(asio::io_context& io, std::string address) : io_(io), address_(std::move(address)) {
  const auto colon = address_.rfind(':');
  host_ = colon == std::string::npos ? address_ : address_.substr(0, colon);
  port_ = colon == std::string::npos ? "80" : address_.substr(colon + 1);
  // Beast reads at most the buffer's free capacity at a time (512 bytes when empty): a
  // payload would take a read, and a trip through the io_context, per 512 bytes.
  buffer_.reserve(kReadChunkBytes);
}

awaitable<std::string> LambdaRuntimeApi::exchange(const http::request<http::string_body>& request,
                                                  http::response<http::string_body>& response) {
  auto [wec, wn] = co_await http::async_write(*stream_, request);
  if (wec) co_return "sending: " + wec.message();
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxInvocationBytes);
  auto [rec, rn] = co_await http::async_read(*stream_, buffer_, parser);
  if (rec) co_return "reading the answer: " + rec.message();
  response = parser.release();
  co_return std::string();
}

awaitable<LambdaRuntimeApi::Answer> LambdaRuntimeApi::call(http::verb method, std::string target,
                                                           std::string_view error_type, std::string body) {
  Answer answer;
  const std::string what = std::string(http::to_string(method)) + " " + target + " at " + address_;
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, address_);
  request.set(http::field::user_agent, "relay/0.1");
  if (!error_type.empty()) request.set("Lambda-Runtime-Function-Error-Type", error_type);
  if (method == http::verb::post) request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.keep_alive(true);
  request.prepare_payload();
  // A kept connection the Runtime API has since closed fails at once; then one fresh try.
  for (bool reused = stream_.has_value();; reused = false) {
    if (!stream_) {
      resolver_t resolver(io_);
      auto [rec, endpoints] = co_await resolver.async_resolve(host_, port_);
      if (rec) {
        answer.error = what + ": resolving " + host_ + ": " + rec.message();
        co_return answer;
      }
      stream_.emplace(io_);
      buffer_.consume(buffer_.size());
      auto [cec, ep] = co_await stream_->async_connect(endpoints);
      if (cec) {
        stream_.reset();
        answer.error = what + ": " + cec.message();
        co_return answer;
      }
      stream_->socket().set_option(tcp::no_delay(true));
    }
    answer.error = co_await exchange(request, answer.response);
    if (answer.error.empty()) break;
    stream_.reset();
    if (!reused) {
      answer.error = what + ": " + answer.error;
      co_return answer;
    }
  }
  if (!answer.response.keep_alive()) stream_.reset();
  answer.status = answer.response.result_int();
  co_return answer;
}

awaitable<std::variant<LambdaInvocation, std::string>> LambdaRuntimeApi::next() {
  Answer answer = co_await call(http::verb::get, std::string(kPrefix) + "/invocation/next", {}, {});
  if (!answer.error.empty()) co_return std::move(answer.error);
  if (answer.status != 200)
    co_return "GET " + std::string(kPrefix) + "/invocation/next at " + address_ + ": status " +
        std::to_string(answer.status) + ": " + answer.response.body().substr(0, 200);
  LambdaInvocation invocation;
  invocation.request_id = answer.response["Lambda-Runtime-Aws-Request-Id"];
  if (invocation.request_id.empty())
    co_return "GET " + std::string(kPrefix) + "/invocation/next at " + address_ +
        ": the answer has no Lambda-Runtime-Aws-Request-Id";
  const std::string_view deadline = answer.response["Lambda-Runtime-Deadline-Ms"];
  std::int64_t ms = 0;
  const auto [end, ec] = std::from_chars(deadline.data(), deadline.data() + deadline.size(), ms);
  if (!deadline.empty() && ec == std::errc() && end == deadline.data() + deadline.size()) invocation.deadline_ms = ms;
  invocation.payload = std::move(answer.response.body());
  co_return invocation;
}

awaitable<std::string> LambdaRuntimeApi::post(std::string target, std::string_view error_type, std::string body) {
  Answer answer = co_await call(http::verb::post, target, error_type, std::move(body));
  if (!answer.error.empty()) co_return std::move(answer.error);
  if (answer.status / 100 == 2) co_return std::string();
  co_return "POST " + target + " at " + address_ + ": status " + std::to_string(answer.status) + ": " +
      answer.response.body().substr(0, 200);
}

awaitable<std::string> LambdaRuntimeApi::respond(std::string_view request_id, std::string body) {
  return post(std::string(kPrefix) + "/invocation/" + std::string(request_id) + "/response", {}, std::move(body));
}

awaitable<std::string> LambdaRuntimeApi::fail(std::string_view request_id, std::string_view type, std::string body) {
  return post(std::string(kPrefix) + "/invocation/" + std::string(request_id) + "/error", type, std::move(body));
}

awaitable<std::string> LambdaRuntimeApi::fail_init(std::string_view type, std::string body) {
  return post(std::string(kPrefix) + "/init/error", type, std::move(body));
}

}  // namespace relay::net
