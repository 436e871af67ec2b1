// Every signing scheme, checked by the peers receivers use: the standardwebhooks npm
// package (installed with npm into the build tree on first use) and Python's hmac.
#include "relay/core/hmac_timestamp.hpp"
#include "relay/pipeline/pipeline.hpp"
#include "relay/destination/registry.hpp"
#include "relay/destination/webhook_signing.hpp"
#include "tests/support/destinations.hpp"
#include "tests/support/npm_packages.hpp"
#include "tests/support/run_process.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relay::pipeline {
namespace {

namespace json = boost::json;

using destination::Request;
using destination::Signer;
using destination::SigningScheme;

// The request an ECS event makes for a webhook destination `name` signed with `signing`
// and `secrets` (the current one first) at `timestamp`.
Request deliver(std::string_view name, std::string_view signing, const std::vector<std::string>& secrets,
                const std::string& timestamp) {
  json::object dest{{"url", "https://h.example/"}, {"signing", signing}};
  json::array list;
  for (const auto& s : secrets) list.emplace_back(s);
  dest["secrets"] = std::move(list);
  std::vector<std::string> errors;
  auto p = Pipeline::build(testing::destinations_from(json::serialize(json::object{{name, dest}})),
                           {{"ecs", "ecs_task", {}, std::nullopt, {std::string(name)}}}, errors);
  EXPECT_TRUE(p) << (errors.empty() ? "" : errors.front());
  core::EventDecoder decoder;
  std::vector<json::value> events;
  decoder.decode(testing::read_text(RELAY_SOURCE_DIR "/payloads/samples/ecs-task-stopped-exit-codes.json"), events);
  Outcome out;
  p->process(events.at(0), out);
  return testing::request_of(*p, out.deliveries.at(0), core::Event::view(events.at(0)).id, timestamp);
}

std::string header(const Request& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (h.name == name) return h.value;
  return {};
}

// Runs the package's Webhook(secret).verify(body, headers) under node; "ok" or the error.
std::string standardwebhooks_verify(const std::string& secret, const Request& r) {
  testing::TempDir dir;
  const auto body = dir.write("body", r.body);
  auto node = testing::run_process(
      {"node", "-e",
       "const {Webhook} = require(process.argv[1] + '/node_modules/standardwebhooks');\n"
       "const fs = require('fs');\n"
       "const body = fs.readFileSync(process.argv[3], 'utf8');\n"
       "const headers = {'webhook-id': process.argv[4], 'webhook-timestamp': process.argv[5],"
       " 'webhook-signature': process.argv[6]};\n"
       "try { new Webhook(process.argv[2]).verify(body, headers); process.stdout.write('ok'); }\n"
       "catch (e) { process.stdout.write(String(e.message)); }",
       testing::npm_packages({"standardwebhooks@1.1.1"}), secret, body, header(r, "webhook-id"),
       header(r, "webhook-timestamp"), header(r, "webhook-signature")});
  EXPECT_EQ(node.exit_code, 0) << node.err;
  return node.out;
}

const std::string kSecretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kSecretB = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

TEST(StandardWebhooks, TheReferenceLibraryVerifiesRelaysSignature) {
  const auto now = core::format_signing_time(std::chrono::system_clock::now());
  auto out = deliver("sw", "standard-webhooks", {kSecretA}, now);
  const auto& r = out;
  EXPECT_THAT(header(r, "webhook-id"), ::testing::StartsWith("msg_"));
  EXPECT_EQ(standardwebhooks_verify(kSecretA, r), "ok");
  EXPECT_NE(standardwebhooks_verify(kSecretB, r), "ok") << "another secret must not verify";
}

TEST(StandardWebhooks, DuringARotationEitherSecretVerifies) {
  const auto now = core::format_signing_time(std::chrono::system_clock::now());
  auto out = deliver("sw", "standard-webhooks", {kSecretB, kSecretA}, now);
  const auto& r = out;
  const std::string signatures = header(r, "webhook-signature");
  EXPECT_EQ(std::count(signatures.begin(), signatures.end(), ' '), 1);
  EXPECT_EQ(standardwebhooks_verify(kSecretA, r), "ok");
  EXPECT_EQ(standardwebhooks_verify(kSecretB, r), "ok");
}

TEST(StandardWebhooks, TheMessageIdIsStableAcrossRetries) {
  auto first = deliver("sw", "standard-webhooks", {kSecretA},
                       "2025-01-01T00:00:00.000Z");
  auto retry = deliver("sw", "standard-webhooks", {kSecretA},
                       "2025-01-01T00:05:00.000Z");
  EXPECT_EQ(header(first, "webhook-id"), header(retry, "webhook-id"));
  EXPECT_EQ(header(first, "webhook-timestamp"), "1735689600");
  EXPECT_EQ(header(retry, "webhook-timestamp"), "1735689900");
}

TEST(HubSignature, AgreesWithPythonHmac) {
  auto out = deliver("gh", "hmac-sha256-hex", {"gh-secret", "old"},
                     "2025-01-01T00:00:00.000Z");
  const auto& r = out;
  testing::TempDir dir;
  auto py = testing::run_process(
      {"python3", "-c",
       "import hashlib,hmac,sys\n"
       "print('sha256=' + hmac.new(b'gh-secret', open(sys.argv[1], 'rb').read(), hashlib.sha256).hexdigest(), end='')",
       dir.write("body", r.body)});
  EXPECT_EQ(header(r, "x-hub-signature-256"), py.out);
}

TEST(Signing, BadSecretsAreRefusedAtLoad) {
  EXPECT_EQ(Signer::check(SigningScheme::standard_webhooks, {"not-whsec"}),
            "standard-webhooks secrets look like whsec_<base64>");
  EXPECT_EQ(Signer::check(SigningScheme::hmac_timestamp, {}), "the scheme needs a secret");
  EXPECT_FALSE(Signer::check(SigningScheme::none, {}));
}

TEST(Signing, ADestinationThatCannotBeSignedIsAConfigError) {
  EXPECT_THROW(Signer(SigningScheme::hmac_timestamp, {}), std::invalid_argument);
  EXPECT_THROW(Signer(SigningScheme::hmac_sha256_hex, {""}), std::invalid_argument);
  EXPECT_NO_THROW(Signer(SigningScheme::none, {}));
  std::vector<std::string> errors;
  const auto config = json::parse(R"({
    "hook": {"url": "https://h.example/", "signing": "hmac-timestamp", "secrets": []},
    "gh": {"url": "https://h.example/", "signing": "hmac-sha256-hex", "secret": ""},
    "open": {"url": "https://h.example/", "signing": "none"}})").as_object();
  for (const auto& kv : config) {
    auto made = destination::make_destination(kv.key(), kv.value(), {}, errors);
    EXPECT_EQ(made == nullptr, kv.key() != "open") << kv.key();
  }
  EXPECT_THAT(errors, ::testing::ElementsAre("destinations.hook.secrets: expected a non-empty list of secrets",
                                             "destinations.gh.secret: expected a non-empty string"));
}

TEST(RelayVerify, AcceptsAnyOfSeveralSecretsForEveryScheme) {
  const auto now = core::format_signing_time(std::chrono::system_clock::now());
  testing::TempDir dir;
  auto sw = deliver("sw", "standard-webhooks", {kSecretA}, now);
  const auto& r = sw;
  const auto body = dir.write("body", r.body);
  auto ok = testing::run_process({RELAY_BINARY, "verify", "--scheme", "standard-webhooks", "--secret", kSecretB,
                                  "--secret", kSecretA, "--id", header(r, "webhook-id"), "--timestamp",
                                  header(r, "webhook-timestamp"), "--signature", header(r, "webhook-signature"), body});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  auto wrong = testing::run_process({RELAY_BINARY, "verify", "--scheme", "standard-webhooks", "--secret", kSecretB,
                                     "--id", header(r, "webhook-id"), "--timestamp", header(r, "webhook-timestamp"),
                                     "--signature", header(r, "webhook-signature"), body});
  EXPECT_EQ(wrong.exit_code, 1);

  auto gh = deliver("gh", "hmac-sha256-hex", {"new"}, now);
  const auto gh_body = dir.write("gh", gh.body);
  auto gh_ok = testing::run_process({RELAY_BINARY, "verify", "--scheme", "hmac-sha256-hex", "--secret", "old",
                                     "--secret", "new", "--signature",
                                     header(gh, "x-hub-signature-256"), gh_body});
  EXPECT_EQ(gh_ok.exit_code, 0) << gh_ok.err;
  auto usage = testing::run_process({RELAY_BINARY, "verify", "--scheme", "bearer", "--secret", "x", "--signature", "y", body});
  EXPECT_EQ(usage.exit_code, 2);
}

}  // namespace
}  // namespace relay::pipeline
