#include "tests/net/test_secrets_manager.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "relay/aws/sigv4_verify.hpp"

namespace relay::testing {

namespace json = boost::json;

json::object string_secret(const std::string& arn, const std::string& value) {
  return {{"ARN", arn}, {"Name", arn.substr(arn.rfind(':') + 1)}, {"SecretString", value}, {"VersionId", "v1"},
          {"VersionStages", json::array{"AWSCURRENT"}}, {"CreatedDate", 1.7e9}};
}

TestSecretsManager::TestSecretsManager(std::string region)
    : region_(std::move(region)), server_([this](const HttpTestServer::Request& r) { return answer(r); }) {}

void TestSecretsManager::add(const std::string& secret_id, json::object answer) {
  std::lock_guard lock(mutex_);
  secrets_[secret_id] = std::move(answer);
}

HttpTestServer::Response TestSecretsManager::answer(const HttpTestServer::Request& r) {
  auto refuse = [](const std::string& type, const std::string& message) {
    return HttpTestServer::Response{400, json::serialize(json::object{{"__type", type}, {"message", message}}),
                                    {{"content-type", "application/x-amz-json-1.1"}}};
  };
  const aws::HttpRequest request{r.method, r.target, {r.headers.begin(), r.headers.end()}, r.body};
  const auto checked = aws::verify_request(request, kTestAccessKeyId, kTestSecretAccessKey, {region_, "secretsmanager"});
  if (const auto* bad = std::get_if<aws::VerifyError>(&checked)) return refuse("InvalidSignatureException", bad->message);
  if (r.header("x-amz-security-token") != kTestSessionToken) return refuse("UnrecognizedClientException", "no token");
  if (r.method != "POST" || r.target != "/" || r.header("x-amz-target") != "secretsmanager.GetSecretValue" ||
      r.header("content-type") != "application/x-amz-json-1.1")
    return refuse("UnknownOperationException", "unexpected call");
  ++verified_;
  const json::value body = json::parse(r.body);
  const std::string id(body.as_object().at("SecretId").as_string());
  if (id.find("denied") != std::string::npos)
    return refuse("AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/relay is not authorized");
  std::lock_guard lock(mutex_);
  const auto found = secrets_.find(id);
  if (found == secrets_.end()) return refuse("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  return {200, json::serialize(found->second), {{"content-type", "application/x-amz-json-1.1"}}};
}

}  // namespace relay::testing
