#pragma once
// AWS STS, as relay calls it: the form bodies of AssumeRole and AssumeRoleWithWebIdentity
// (Query API, Version 2011-06-15), the regional endpoint, and what an answer means (the
// <Credentials> of a success, the <Code> and <Message> of an error). Pure; any thread.
#include "relay/aws/credentials.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace relay::aws {

struct AssumeRoleParams {
  std::string role_arn;
  std::string session_name;
  std::string external_id;  // empty: not sent
  std::chrono::seconds duration{3600};
};

// application/x-www-form-urlencoded bodies, POSTed to the endpoint's "/".
std::string assume_role_form(const AssumeRoleParams& params);
std::string web_identity_form(std::string_view role_arn, std::string_view session_name, std::string_view token);

// https://sts.REGION.amazonaws.com (.amazonaws.com.cn in China); the global endpoint when
// `region` is empty.
std::string sts_endpoint_for(std::string_view region);

// The credentials of a 200 answer, or why there are none: "AccessDenied: <message>" from
// an error answer, else the status and what was missing. Never quotes a secret.
std::variant<Credentials, std::string> parse_sts_answer(unsigned status, std::string_view body);

}  // namespace relay::aws
