#pragma once
// Asio/Beast names and the 1.81 default completion token (`as_tuple(use_awaitable)`) for
// relay's I/O code. Only relay/net sources include this; the core never does.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace relay::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

using token_t = asio::as_tuple_t<asio::use_awaitable_t<>>;
using tcp_stream = token_t::as_default_on_t<beast::tcp_stream>;
using acceptor_t = token_t::as_default_on_t<tcp::acceptor>;
using resolver_t = token_t::as_default_on_t<tcp::resolver>;
using timer_t = token_t::as_default_on_t<asio::steady_timer>;

template <class T>
using awaitable = asio::awaitable<T>;

}  // namespace relay::net
