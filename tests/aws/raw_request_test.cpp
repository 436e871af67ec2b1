// The raw HTTP request form `relay sign` and `relay verify` read: parsed as HTTP/1.1 frames
// it, printed back with CRLF, and bad input named by line.
#include "relay/aws/raw_request.hpp"

#include <gtest/gtest.h>

namespace relay::aws {
namespace {

HttpRequest parsed(std::string_view text) {
  auto r = parse_raw_request(text);
  if (auto* e = std::get_if<core::InputError>(&r)) ADD_FAILURE() << e->message();
  return std::holds_alternative<HttpRequest>(r) ? std::get<HttpRequest>(std::move(r)) : HttpRequest{};
}

std::string error(std::string_view text) {
  auto r = parse_raw_request(text);
  return std::holds_alternative<core::InputError>(r) ? std::get<core::InputError>(r).message() : "(parsed)";
}

TEST(RawRequest, ReadsLfAndCrlfAlike) {
  for (std::string_view eol : {"\n", "\r\n"}) {
    const std::string text = "POST /a%20b/?x=1 HTTP/1.1" + std::string(eol) + "Host:  example.com  " +
                             std::string(eol) + "X-A:1" + std::string(eol) + std::string(eol) + "body\r\nline 2\n";
    const auto r = parsed(text);
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/a%20b/?x=1");
    EXPECT_EQ(r.headers, (std::vector<std::pair<std::string, std::string>>{{"Host", "example.com"}, {"X-A", "1"}}));
    EXPECT_EQ(r.body, "body\r\nline 2\n");  // the body as it is, line ends and all
  }
}

TEST(RawRequest, TheTargetMayHoldSpacesAndFoldedLinesJoinWithASpace) {
  const auto r = parsed("GET /example space/ HTTP/1.1\nHost:example.com\nMy-Header1:value1\n  value2\n\t value3 \n");
  EXPECT_EQ(r.target, "/example space/");
  EXPECT_EQ(r.headers.at(1).second, "value1 value2 value3");
  EXPECT_EQ(r.body, "");
}

TEST(RawRequest, ContentLengthBoundsTheBody) {
  EXPECT_EQ(parsed("POST / HTTP/1.1\nHost: h\nContent-Length: 3\n\nabc").body, "abc");
  EXPECT_EQ(error("POST / HTTP/1.1\nHost: h\nContent-Length: 3\n\nabc\n"),
            "line 3: Content-Length is 3 but the body has 4 bytes");
}

TEST(RawRequest, PrintsWithCrlfAndReadsBackTheSame) {
  const HttpRequest r{"PUT", "/x?y", {{"Host", "h"}, {"A", "b c"}}, "\n\nbody"};
  const auto text = format_raw_request(r);
  EXPECT_EQ(text, "PUT /x?y HTTP/1.1\r\nHost: h\r\nA: b c\r\n\r\n\n\nbody");
  const auto back = parsed(text);
  EXPECT_EQ(back.method, r.method);
  EXPECT_EQ(back.target, r.target);
  EXPECT_EQ(back.headers, r.headers);
  EXPECT_EQ(back.body, r.body);
}

TEST(RawRequest, BadInputIsNamedByLine) {
  EXPECT_EQ(error(""), "line 1: expected a request line, found nothing");
  EXPECT_EQ(error("GET /\nHost: h\n"), "line 1: expected a request line: METHOD TARGET HTTP/1.1");
  EXPECT_EQ(error("GET / HTTP/2\nHost: h\n"),
            "line 1: expected HTTP/1.1 at the end of the request line, not \"HTTP/2\"");
  EXPECT_EQ(error("GET example.com HTTP/1.1\nHost: h\n"), "line 1: the target must start with /");
  EXPECT_EQ(error("G(T / HTTP/1.1\nHost: h\n"), "line 1: the method \"G(T\" is not a token");
  EXPECT_EQ(error("GET / HTTP/1.1\nHost: h\nno colon here\n"), "line 3: expected a header line: Name: value");
  EXPECT_EQ(error("GET / HTTP/1.1\nHost: h\nBad Name: v\n"), "line 3: the header name \"Bad Name\" is not a token");
  EXPECT_EQ(error("GET / HTTP/1.1\n folded\nHost: h\n"), "line 2: a folded line before any header");
  EXPECT_EQ(error("GET / HTTP/1.1\nHost: h\nX: a\x01"
                  "b\n"),
            "line 3: the value of X holds a control character");
  EXPECT_EQ(error("GET / HTTP/1.1\nHost: h\nContent-Length: ten\n"),
            "line 3: Content-Length must be a number of bytes");
  EXPECT_EQ(error("GET / HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n0\r\n\r\n"),
            "line 3: Transfer-Encoding is not supported: give the body as it is");
  EXPECT_EQ(error("GET / HTTP/1.1\nX: y\n"), "the request has no Host header");
}

}  // namespace
}  // namespace relay::aws
