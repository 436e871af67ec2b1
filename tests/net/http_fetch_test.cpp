// The one-shot fetch relay uses for its own calls (STS, container and instance metadata):
// HTTPS with peer verification, the deadline, the body limit.
#include "relay/net/http_fetch.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "relay/net/http_client.hpp"
#include "tests/net/http_test_server.hpp"
#include "tests/net/self_signed.hpp"
#include "tests/support/certificates.hpp"
#include "tests/support/run_process.hpp"

namespace relay::net {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::HttpTestServer;

awaitable<void> fetch_into(asio::io_context& io, FetchRequest request, std::shared_ptr<ssl::context> tls,
                           FetchResult& out) {
  out = co_await fetch(io, request, std::move(tls));
}

FetchResult run_fetch(const std::string& url_text, std::shared_ptr<ssl::context> tls = nullptr,
                      std::chrono::milliseconds timeout = 2s) {
  std::string error;
  auto url = config::parse_http_url(url_text, error);
  if (!url) throw std::invalid_argument(error);
  FetchRequest request{"POST", *url, {{"x-test", "1"}}, "ping", timeout};
  asio::io_context io;
  FetchResult out;
  asio::co_spawn(io, fetch_into(io, request, std::move(tls), out), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return out;
}

struct TlsFiles {
  testing::TempDir dir;
  std::string cert = dir.path() + "/cert.pem";
  std::string key = dir.path() + "/key.pem";
  TlsFiles() { testing::write_self_signed(cert, key); }
};

TEST(HttpFetch, HttpsWithATrustedCertificate) {
  TlsFiles files;
  HttpTestServer server([](const HttpTestServer::Request& r) { return HttpTestServer::Response{201, r.method + " " + r.body}; },
                        HttpTestServer::Tls{files.cert, files.key});
  const auto result = run_fetch(server.url() + "/sts", client_tls_context(files.cert));
  EXPECT_EQ(result.status, 201u) << result.error;
  EXPECT_EQ(result.body, "POST ping");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/sts");
  EXPECT_EQ(server.requests()[0].header("x-test"), "1");
  EXPECT_EQ(server.requests()[0].header("host"), "127.0.0.1:" + server.url().substr(server.url().rfind(':') + 1));
}

TEST(HttpFetch, AnUntrustedCertificateFailsTheHandshake) {
  TlsFiles files;
  HttpTestServer server([](const HttpTestServer::Request&) { return HttpTestServer::Response{}; },
                        HttpTestServer::Tls{files.cert, files.key});
  const auto result = run_fetch(server.url(), client_tls_context(std::nullopt));
  EXPECT_EQ(result.status, 0u);
  EXPECT_THAT(result.error, HasSubstr("TLS handshake with 127.0.0.1:"));
  EXPECT_TRUE(server.requests().empty());
  EXPECT_THAT(run_fetch(server.url()).error, HasSubstr("needs TLS and no TLS context was given"));
}

// A certificate trusted as its own CA still has to be for the host in the URL: a DNS name
// for a name (sent as SNI too), an IP address for an address.
TEST(HttpFetch, TheCertificateMustBeForTheUrlsHost) {
  testing::TempDir dir;
  for (const std::string cert_host : {"localhost", "127.0.0.1"}) {
    const auto files = testing::make_certificate(dir, cert_host, cert_host);
    HttpTestServer server([](const HttpTestServer::Request&) { return HttpTestServer::Response{204, ""}; },
                          HttpTestServer::Tls{files.cert, files.key});
    const std::string port = server.url().substr(server.url().rfind(':') + 1);
    for (const std::string url_host : {"localhost", "127.0.0.1"}) {
      const auto result = run_fetch("https://" + url_host + ":" + port + "/", client_tls_context(files.cert));
      if (url_host == cert_host) {
        EXPECT_EQ(result.status, 204u) << url_host << ": " << result.error;
      } else {
        EXPECT_EQ(result.status, 0u) << "a certificate for " << cert_host << " accepted for " << url_host;
        EXPECT_THAT(result.error, HasSubstr("certificate verify failed")) << url_host;
      }
    }
  }
}

TEST(HttpFetch, ASilentPeerEndsAtTheDeadline) {
  // Listens but never accepts: the connection completes in the backlog, no answer comes.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_fetch("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/", nullptr, 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(listener);
  EXPECT_EQ(result.status, 0u);
  EXPECT_THAT(result.error, HasSubstr("reading the answer of 127.0.0.1:"));
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 5s);
}

TEST(HttpFetch, AnOversizedBodyIsAnError) {
  HttpTestServer server([](const HttpTestServer::Request&) {
    return HttpTestServer::Response{200, std::string(kMaxFetchBody + 1, 'x')};
  });
  const auto result = run_fetch(server.url());
  EXPECT_EQ(result.status, 0u);
  EXPECT_THAT(result.error, HasSubstr("reading the answer of 127.0.0.1:"));
}

}  // namespace
}  // namespace relay::net
