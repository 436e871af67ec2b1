#include <algorithm>
#include <chrono>

#include "relay/core/base64.hpp"
#include "relay/core/hmac.hpp"
#include "relay/core/hmac_timestamp.hpp"
#include "relay/core/utc_time.hpp"
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace relay::core {
namespace {

std::string hex(const Digest& d) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (auto b : d) {
    s.push_back(digits[b >> 4]);
    s.push_back(digits[b & 0xF]);
  }
  return s;
}

std::string unhex(std::string_view h) {
  std::string s;
  for (std::size_t i = 0; i < h.size(); i += 2) s.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return s;
}

struct Rfc4231Case {
  std::string key, data, mac;
};

// RFC 4231 section 4, HMAC-SHA-256 (case 5 truncates the output and is left out).
TEST(HmacSha256, MatchesRfc4231Vectors) {
  const std::vector<Rfc4231Case> cases = {
      {std::string(20, '\x0b'), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be "
       "hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& c : cases) {
    HmacSha256 key(c.key);
    EXPECT_EQ(hex(key.mac({c.data})), c.mac);
    EXPECT_EQ(hex(key.mac({c.data})), c.mac) << "a key is reusable";
    EXPECT_EQ(hex(key.mac({c.data.substr(0, 3), c.data.substr(3)})), c.mac) << "parts are concatenated";
  }
}

// One keyed object serves many messages: every length across the 64-byte block boundaries,
// keys shorter than, equal to and longer than a block, against OpenSSL's one-shot HMAC().
TEST(HmacSha256, OneKeyReusedAcrossMessagesAgreesWithOneShotHmac) {
  for (std::size_t key_len : {1, 20, 63, 64, 65, 131}) {
    std::string k(key_len, '\0');
    for (std::size_t i = 0; i < key_len; ++i) k[i] = static_cast<char>(i * 7 + 1);
    const HmacSha256 key(k);
    std::string message;
    for (std::size_t len = 0; len <= 200; ++len) {
      Digest want{};
      unsigned int want_len = 0;
      HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()), reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), want.data(), &want_len);
      ASSERT_EQ(hex(key.mac({message})), hex(want)) << "key " << key_len << " bytes, message " << len << " bytes";
      message.push_back(static_cast<char>('a' + len % 26));
    }
  }
}

TEST(HmacSha256, MovedKeyStillSigns) {
  HmacSha256 a("Jefe");
  HmacSha256 b(std::move(a));
  EXPECT_EQ(hex(b.mac({"what do ya want for nothing?"})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Base64, RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(base64_encode(std::string_view("")), "");
  EXPECT_EQ(base64_encode(std::string_view("f")), "Zg==");
  EXPECT_EQ(base64_encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE=").value(), "fooba");
  EXPECT_FALSE(base64_decode("Zm9v!mFy"));
  EXPECT_FALSE(base64_decode("Zm9"));
}

TEST(SigningTime, FormatsAndParses) {
  using namespace std::chrono;
  EXPECT_EQ(format_signing_time(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  const auto t = sys_days(year(2024) / 2 / 29) + hours(23) + minutes(59) + seconds(58) + milliseconds(999);
  EXPECT_EQ(format_signing_time(t), "2024-02-29T23:59:58.000Z");
  EXPECT_TRUE(is_signing_time("2024-02-29T23:59:58.000Z"));
  EXPECT_FALSE(is_signing_time("2023-02-29T23:59:58.000Z"));
  EXPECT_FALSE(is_signing_time("2024-01-15T10:30:00Z"));
  EXPECT_FALSE(is_signing_time("2024-01-15 10:30:00.000Z"));
  EXPECT_FALSE(is_signing_time("2024-01-15T24:30:00.000Z"));
}

// relay's signature equals what Python's hmac + base64 compute over timestamp ":" body.
TEST(HmacTimestamp, AgreesWithPythonHmac) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2024-01-15T10:30:00.000Z", R"({"eventType": "incident", "incidentId": "x"})"},
      {"2026-11-23T00:00:00.000Z", ""},
      {"1999-12-31T23:59:59.000Z", "caf\xC3\xA9 \xF0\x9F\x9A\xA8 \"quoted\"\n:colons:"},
      {"2025-06-01T12:00:00.000Z", std::string(70000, 'z')},
  };
  const std::string secret = "s3cr\xC3\xA9t-key";
  HmacSha256 key(secret);
  testing::TempDir dir;
  for (const auto& [ts, body] : cases) {
    const auto body_path = dir.write("body", body);
    auto py = testing::run_process(
        {"python3", "-c",
         "import base64,hashlib,hmac,sys\n"
         "secret, ts, body = sys.argv[1], sys.argv[2], open(sys.argv[3], 'rb').read()\n"
         "mac = hmac.new(secret.encode('utf-8'), ts.encode('utf-8') + b':' + body, hashlib.sha256).digest()\n"
         "sys.stdout.write(base64.b64encode(mac).decode())",
         secret, ts, body_path});
    ASSERT_EQ(py.exit_code, 0) << py.err;
    EXPECT_EQ(hmac_timestamp_signature(key, ts, body), py.out);
    EXPECT_TRUE(hmac_timestamp_valid(key, ts, body, py.out));
    EXPECT_FALSE(hmac_timestamp_valid(key, ts, body + " ", py.out));
    EXPECT_FALSE(hmac_timestamp_valid(key, "2000-01-01T00:00:00.000Z", body, py.out));
    EXPECT_FALSE(hmac_timestamp_valid(key, ts, body, py.out.substr(1)));
  }
}

TEST(ConstantTimeEqual, ComparesContent) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("", "a"));
}

// A guess of another length was refused at once, which told a caller the secret's length.
TEST(ConstantTimeEqual, AGuessOfAnyLengthTakesAsLong) {
  const std::string secret(256 << 10, 's');
  const auto fastest = [&secret](const std::string& guess) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int run = 0; run < 5; ++run) {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < 20; ++i) EXPECT_FALSE(constant_time_equal(guess, secret));
      best = std::min(best, std::chrono::steady_clock::now() - start);
    }
    return best;
  };
  const auto short_guess = fastest("x");
  const auto same_length = fastest(std::string(secret.size(), 'x'));
  EXPECT_GT(short_guess * 10, same_length);
}

}  // namespace
}  // namespace relay::core

namespace relay::core {
namespace {

TEST(UtcTime, FormatsMillisAndParsesIsoForms) {
  using namespace std::chrono;
  const auto t = sys_days(year(2025) / 1 / 2) + hours(3) + minutes(4) + seconds(5) + milliseconds(678);
  EXPECT_EQ(format_utc_millis(t), "2025-01-02T03:04:05.678Z");
  EXPECT_EQ(parse_utc("2025-01-02T03:04:05.678Z"), t);
  EXPECT_EQ(parse_utc("2025-01-02T03:04:05Z"), t - milliseconds(678));
  EXPECT_EQ(parse_utc("2025-01-02T03:04:05.6789Z"), t + microseconds(900));
  EXPECT_FALSE(parse_utc("2025-01-02T03:04:05.Z"));
  EXPECT_FALSE(parse_utc("2025-01-02 03:04:05Z"));
  EXPECT_FALSE(parse_utc("2025-02-30T03:04:05Z"));
  EXPECT_FALSE(parse_signing_time("2025-01-02T03:04:05Z")) << "the signing format has exactly three fraction digits";
}

TEST(UtcTime, FormatsEveryFieldZeroPaddedAcrossTheClocksRange) {
  using namespace std::chrono;
  EXPECT_EQ(format_utc_millis(sys_days(year(2009) / 2 / 3) + hours(4) + minutes(5) + seconds(6) + milliseconds(7)),
            "2009-02-03T04:05:06.007Z");
  EXPECT_EQ(format_utc_millis(sys_days(year(1999) / 12 / 31) + hours(23) + minutes(59) + seconds(59) +
                              milliseconds(999) + microseconds(999)),
            "1999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_utc_millis(system_clock::time_point::max()), "2262-04-11T23:47:16.854Z");
  EXPECT_EQ(format_utc_millis(system_clock::time_point::min()), "1677-09-21T00:12:43.145Z");
}

TEST(UtcTime, RefusesTimesTheClockCannotHold) {
  using namespace std::chrono;
  // system_clock counts nanoseconds in 64 bits: 1970-01-01 to 2262-04-11T23:47:16.854775807Z.
  EXPECT_FALSE(parse_utc("9999-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_signing_time("9999-12-31T23:59:59.000Z")) << "an x-amzn-event-timestamp from year 9999";
  EXPECT_FALSE(parse_signing_time("2262-04-12T00:00:00.000Z"));
  EXPECT_FALSE(parse_utc("2262-04-11T23:47:16Z"));
  EXPECT_FALSE(parse_utc("2262-04-11T23:47:16.9999999999Z"));
  EXPECT_EQ(parse_utc("2262-04-11T23:47:15.999Z"),
            sys_days(year(2262) / 4 / 11) + hours(23) + minutes(47) + seconds(15) + milliseconds(999));
  EXPECT_FALSE(parse_utc("0001-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_utc("1969-12-31T23:59:59Z"));
  EXPECT_EQ(parse_utc("1970-01-01T00:00:00Z"), system_clock::time_point{});
}

}  // namespace
}  // namespace relay::core
