#pragma once
// A blocking HTTP/1.1 client for tests, with 10 s socket timeouts so no wait is
// unbounded.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace relay::testing {

struct HttpReply {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  bool keep_alive = false;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpTestClient {
 public:
  explicit HttpTestClient(const std::string& base_url);  // http://HOST:PORT

  // POSTs on the current connection, opening one when there is none; with
  // keep_alive false it sends Connection: close and drops the connection after
  // the answer.
  HttpReply post(const std::string& target, const std::string& body, const Headers& headers = {},
                 bool keep_alive = true, const std::string& content_type = "application/json");

  // GET on the current connection (as post).
  HttpReply get(const std::string& target, const Headers& headers = {});

  // Any other method (PUT, DELETE) on the current connection (as post), with a JSON body
  // when one is given.
  HttpReply send(const std::string& method, const std::string& target, const std::string& body = {},
                 const Headers& headers = {});

  // Opens a raw connection to the server (for half-sent requests).
  boost::asio::ip::tcp::socket connect();

  // Connections opened so far.
  int connections() const { return connections_; }

 private:
  HttpReply exchange(const std::string& method, const std::string& target, const std::string& body,
                     const Headers& headers, bool keep_alive, const std::string& content_type);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::optional<boost::asio::ip::tcp::socket> socket_;
  boost::beast::flat_buffer buffer_;
  int connections_ = 0;
};

}  // namespace relay::testing
