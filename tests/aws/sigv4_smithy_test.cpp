// SigV4 against @smithy/signature-v4 (the AWS SDK for JavaScript v3's signer, from npm) on a
// generated corpus: paths with dots, empty segments, spaces, UTF-8 and %-escapes; repeated,
// unsorted and encoded query parameters with empty values; repeated, padded, multi-line and
// unsignable headers; session tokens; bodies. Both must add the same X-Amz-Date and
// Authorization; the verifier accepts what either signed.
#include "relay/aws/sigv4.hpp"
#include "relay/aws/sigv4_verify.hpp"
#include "relay/core/base64.hpp"
#include "tests/support/npm_packages.hpp"
#include "tests/support/run_process.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <random>

namespace relay::aws {
namespace {

namespace json = boost::json;

struct CorpusEntry {
  HttpRequest request;
  Credentials credentials;
  std::string region;
  std::string service;
  std::chrono::system_clock::time_point time;
};

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  CorpusEntry next() {
    CorpusEntry e;
    e.request.method = pick({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"});
    e.request.target = path() + query();
    e.request.headers = headers();
    e.request.body = chance(0.4) ? "" : bytes(between(1, 200));
    if (chance(0.1)) e.request.headers.emplace_back("X-Amz-Content-Sha256", pick({"UNSIGNED-PAYLOAD", ""}));
    if (!e.request.headers.empty() && e.request.headers.back().first == "X-Amz-Content-Sha256" &&
        e.request.headers.back().second.empty())
      e.request.headers.back().second = hex_sha256(e.request.body);
    e.credentials.access_key_id = "AKIA" + word("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    e.credentials.secret_access_key = word("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
    if (chance(0.3))
      e.credentials.session_token = word("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", 120);
    e.region = pick({"us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"});
    e.service = pick({"events", "sts", "sqs", "execute-api", "service"});
    using namespace std::chrono;
    e.time = system_clock::time_point(
        milliseconds(std::uniform_int_distribution<std::int64_t>(946684800000, 1893456000000)(rng_)));
    return e;
  }

 private:
  std::string path() {
    static const std::vector<std::string> segments = {
        "a",    "b",   "events",   ".",   "..",         "",     "",      "with space", "ü",
        "日本", "ሴ",   "%20",      "%2F", "%2e%2E",     "a%41", "~user", "x!y",        "(p)",
        "*",    "'q'", "seg+plus", "a=b", "semi;colon", "@at",  "-_.~",  "%E1%88%B4",  "%25"};
    std::string p;
    const int n = between(0, 5);
    for (int i = 0; i < n; ++i) p += "/" + pick(segments);
    if (p.empty() || chance(0.2)) p += "/";
    return p;
  }

  std::string query() {
    static const std::vector<std::string> names = {"a",     "B", "a-",     "Param",     "param",           "%41",
                                                   "x%20y", "ü", "k+plus", "%E1%88%B4", "X-Amz-Signature", "a b",
                                                   "%2B",   "~", "_z",     "Z"};
    static const std::vector<std::string> values = {"",       "1",    "2",    "10",        "v%20w", "a b",
                                                    "%2B",    "+",    "ü",    "=",         "a=b",   "%26",
                                                    "%3D%25", "-_.~", "日本", "%E6%97%A5", "!*'()"};
    if (chance(0.3)) return "";
    std::string q = "?";
    const int n = between(0, 6);
    for (int i = 0; i < n; ++i) {
      if (i > 0) q += chance(0.1) ? "&&" : "&";
      q += pick(names);
      if (!chance(0.15)) q += "=" + pick(values);
    }
    return q;
  }

  std::vector<std::pair<std::string, std::string>> headers() {
    static const std::vector<std::string> names = {
        "X-Custom",      "x-custom", "Content-Type", "X-Amz-Target",    "My-Header1",    "a-header",
        "Zeta",          "Accept",   "User-Agent",   "X-Amzn-Trace-Id", "Proxy-Foo",     "Sec-Fetch-Mode",
        "Cache-Control", "Expect",   "X-Amz-Meta-N", "Content-Length",  "Authorization", "X-Amz-Date"};
    static const std::vector<std::string> values = {"v",
                                                    "  padded  ",
                                                    "\tpadded tab\t",
                                                    "a   b\t\tc",
                                                    "multi\r\n  line\r\n\tfolded",
                                                    "ü ß 日本",
                                                    "",
                                                    "with,comma",
                                                    "quote\"d",
                                                    "application/x-amz-json-1.1",
                                                    "AWSEvents.PutEvents",
                                                    "100-continue",
                                                    "  "};
    std::vector<std::pair<std::string, std::string>> h;
    const int n = between(0, 7);
    const int host_at = between(0, n);
    for (int i = 0; i <= n; ++i) {
      if (i == host_at)
        h.emplace_back(pick({"Host", "host", "HOST"}),
                       pick({"example.amazonaws.com", " events.us-east-1.amazonaws.com ", "127.0.0.1:4010"}));
      else
        h.emplace_back(pick(names), pick(values));
    }
    return h;
  }

  std::string bytes(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(between(0, 255)));
    return s;
  }
  std::string word(std::string_view alphabet, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(alphabet[between(0, static_cast<int>(alphabet.size()) - 1)]);
    return s;
  }
  int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::string pick(const std::vector<std::string>& from) { return from[between(0, static_cast<int>(from.size()) - 1)]; }

  std::mt19937 rng_;
};

json::value to_json(const CorpusEntry& e) {
  json::array headers;
  for (const auto& [n, v] : e.request.headers) headers.push_back(json::array{json::string(n), json::string(v)});
  return json::object{
      {"method", e.request.method},
      {"target", e.request.target},
      {"headers", std::move(headers)},
      {"body_base64", core::base64_encode(e.request.body)},
      {"access_key_id", e.credentials.access_key_id},
      {"secret_access_key", e.credentials.secret_access_key},
      {"session_token", e.credentials.session_token},
      {"region", e.region},
      {"service", e.service},
      {"time_ms", std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count()}};
}

std::string header(const HttpRequest& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return {};
}

TEST(SigV4AgreesWithSmithy, OnAGeneratedCorpus) {
  constexpr int kRequests = 400;
  Generator generator(20150830);
  std::vector<CorpusEntry> corpus;
  json::array corpus_json;
  for (int i = 0; i < kRequests; ++i) {
    corpus.push_back(generator.next());
    corpus_json.push_back(to_json(corpus.back()));
  }
  testing::TempDir dir;
  const auto file = dir.write("corpus.json", json::serialize(corpus_json));
  const auto npm = testing::npm_packages({"@smithy/signature-v4@5.7.5", "@aws-crypto/sha256-js@5.2.0"});
  const auto node = testing::run_process({"node", RELAY_SOURCE_DIR "/tests/aws/smithy_sign.js", npm, file});
  ASSERT_EQ(node.exit_code, 0) << node.err;

  std::size_t start = 0;
  int compared = 0;
  for (const auto& entry : corpus) {
    const auto end = node.out.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "smithy printed fewer lines than there are requests";
    const auto line = node.out.substr(start, end - start);
    start = end + 1;
    const auto tab = line.find('\t');
    const auto smithy_date = line.substr(0, tab), smithy_authorization = line.substr(tab + 1);

    auto signed_request = entry.request;
    sign_request(signed_request, entry.credentials, entry.region, entry.service, entry.time);
    EXPECT_EQ(header(signed_request, "X-Amz-Date"), smithy_date);
    EXPECT_EQ(header(signed_request, "Authorization"), smithy_authorization)
        << "request " << compared << ": " << json::serialize(to_json(entry)) << "\nrelay's canonical request:\n"
        << canonical_request(signed_request, signable_headers(signed_request));

    // What smithy signed verifies, with the headers it added.
    auto smithy_signed = entry.request;
    std::erase_if(smithy_signed.headers, [](const auto& h) {
      const auto n = h.first;
      return n == "Authorization" || n == "X-Amz-Date";
    });
    smithy_signed.headers.emplace_back("x-amz-date", smithy_date);
    if (!entry.credentials.session_token.empty())
      smithy_signed.headers.emplace_back("x-amz-security-token", entry.credentials.session_token);
    smithy_signed.headers.emplace_back("authorization", smithy_authorization);
    const auto verified = verify_request(smithy_signed, entry.credentials.access_key_id,
                                         entry.credentials.secret_access_key, {entry.region, entry.service});
    const bool body_unsigned = header(entry.request, "X-Amz-Content-Sha256") == "UNSIGNED-PAYLOAD";
    EXPECT_EQ(std::holds_alternative<VerifiedRequest>(verified), !body_unsigned)
        << "request " << compared << ": "
        << (std::holds_alternative<VerifyError>(verified) ? std::get<VerifyError>(verified).message : "verified");
    ++compared;
  }
  EXPECT_EQ(compared, kRequests);
}

}  // namespace
}  // namespace relay::aws
