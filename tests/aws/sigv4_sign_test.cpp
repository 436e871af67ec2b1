// What sign_request decides beyond the published examples: the canonical path and query of
// odd targets, which headers it signs, and signing a request twice.
#include "relay/aws/sigv4.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace relay::aws {
namespace {

using namespace std::chrono;

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
const auto kTime = sys_days(year(2015) / 8 / 30) + hours(12) + minutes(36);

// The canonical request's second and third lines: path and query.
std::pair<std::string, std::string> canonical_target(std::string target) {
  const HttpRequest r{"GET", std::move(target), {{"host", "h"}}, ""};
  const auto canonical = canonical_request(r, signable_headers(r));
  const auto first = canonical.find('\n'), second = canonical.find('\n', first + 1);
  const auto third = canonical.find('\n', second + 1);
  return {canonical.substr(first + 1, second - first - 1), canonical.substr(second + 1, third - second - 1)};
}

TEST(SignRequest, NormalisesThePathAsEveryServiceButS3) {
  const std::pair<std::string, std::string> cases[] = {
      {"/", "/"},
      {"/a/.", "/a"},
      {"/..", "/"},
      {"//", "/"},
      {"/a/b/../c/", "/a/c/"},
      {"/a//b/./", "/a/b/"},
      {"/%2F", "/%252F"},
      {"/a b", "/a%20b"},
      {"/ü", "/%C3%BC"},
      {"/-_.~!*'()", "/-_.~%21%2A%27%28%29"},
  };
  for (const auto& [target, path] : cases) EXPECT_EQ(canonical_target(target).first, path) << target;
}

TEST(SignRequest, SortsAndReencodesTheQuery) {
  const std::pair<std::string, std::string> cases[] = {
      {"/?b=2&a=1&a=0", "a=0&a=1&b=2"},
      {"/?k&&j=", "j=&k="},                          // a name alone has an empty value; empty parts go
      {"/?a=%zz&b=+&c=%2b", "a=%25zz&b=%2B&c=%2B"},  // a stray % is a character; + is not a space
      {"/?a-=1&a=2", "a=2&a-=1"},                    // by name first, then by value
      {"/?X-Amz-Signature=abc&x=1", "x=1"},
      {"/?%41=%e6%97%a5", "A=%E6%97%A5"},
  };
  for (const auto& [target, query] : cases) EXPECT_EQ(canonical_target(target).second, query) << target;
}

TEST(SignRequest, LeavesOutHeadersThatChangeInTransit) {
  const HttpRequest r{"GET",
                      "/",
                      {{"Host", "h"},
                       {"User-Agent", "a"},
                       {"Connection", "close"},
                       {"Proxy-Authorization", "x"},
                       {"Sec-Fetch-Mode", "cors"},
                       {"X-Amzn-Trace-Id", "t"},
                       {"X-Custom", "c"},
                       {"x-custom", "d"}},
                      ""};
  EXPECT_EQ(signable_headers(r), (std::vector<std::string>{"host", "x-custom"}));
}

TEST(SignRequest, SigningAgainReplacesTheSignature) {
  HttpRequest r{"POST", "/", {{"Host", "h"}, {"authorization", "Bearer old"}, {"x-amz-date", "19990101T000000Z"}}, "b"};
  sign_request(r, kCredentials, "us-east-1", "events", kTime);
  sign_request(r, {"AKIDEXAMPLE", kCredentials.secret_access_key, "token"}, "us-east-1", "events", kTime + hours(1));
  std::vector<std::string> names;
  for (const auto& h : r.headers) names.push_back(h.first);
  EXPECT_EQ(names, (std::vector<std::string>{"Host", "X-Amz-Date", "X-Amz-Security-Token", "Authorization"}));
  EXPECT_EQ(r.headers[1].second, "20150830T133600Z");
}

TEST(SignRequest, NeedsAHostHeader) {
  HttpRequest r{"GET", "/", {{"X-Custom", "c"}}, ""};
  EXPECT_THROW(sign_request(r, kCredentials, "us-east-1", "events", kTime), std::invalid_argument);
}

}  // namespace
}  // namespace relay::aws
