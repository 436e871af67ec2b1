#include "tests/net/http_test_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace relay::testing {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

HttpTestClient::HttpTestClient(const std::string& base_url) {
  const auto hostport = base_url.substr(base_url.find("://") + 3);
  const auto colon = hostport.rfind(':');
  endpoint_ = tcp::endpoint(boost::asio::ip::make_address(hostport.substr(0, colon)),
                            static_cast<unsigned short>(std::stoi(hostport.substr(colon + 1))));
}

tcp::socket HttpTestClient::connect() {
  tcp::socket s(io_);
  s.connect(endpoint_);
  const timeval tv{10, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ++connections_;
  return s;
}

HttpReply HttpTestClient::post(const std::string& target, const std::string& body, const Headers& headers,
                               bool keep_alive, const std::string& content_type) {
  return exchange("POST", target, body, headers, keep_alive, content_type);
}

HttpReply HttpTestClient::send(const std::string& method, const std::string& target, const std::string& body,
                               const Headers& headers) {
  return exchange(method, target, body, headers, true, body.empty() ? std::string() : "application/json");
}

HttpReply HttpTestClient::get(const std::string& target, const Headers& headers) {
  return exchange("GET", target, {}, headers, true, {});
}

HttpReply HttpTestClient::exchange(const std::string& method, const std::string& target, const std::string& body,
                                   const Headers& headers, bool keep_alive, const std::string& content_type) {
  if (!socket_) {
    socket_.emplace(connect());
    buffer_.clear();
  }
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "relay.test");
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.keep_alive(keep_alive);
  req.prepare_payload();
  http::write(*socket_, req);
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  http::read(*socket_, buffer_, parser);
  auto& res = parser.get();
  HttpReply reply{res.result_int(), res.body(), {}, res.keep_alive()};
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  if (!keep_alive || !res.keep_alive()) socket_.reset();
  return reply;
}

}  // namespace relay::testing
