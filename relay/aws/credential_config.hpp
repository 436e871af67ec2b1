#pragma once
// A destination's `credentials` mapping, checked at config load: static keys (each an
// env:/file: reference or the value), `profile`, and `role_arn` with `external_id`,
// `session_name`, `duration` and `sts_endpoint` for STS AssumeRole. Pure; any thread.
#include "relay/aws/credentials.hpp"
#include "relay/core/object_reader.hpp"

#include <string_view>

namespace relay::aws {

// The source described at `key` of `r` (absent: the standard chain). Problems go to
// r.errors() as "<path>.credentials.<key>: what", never quoting a secret. Secrets are
// resolved here, once. `region` is left for the destination to set.
CredentialSource read_credential_source(core::ObjectReader& r, std::string_view key);

// Whether `arn` looks like an IAM role ARN: arn:<partition>:iam::<12 digits>:role/<path/name>.
bool is_role_arn(std::string_view arn);

}  // namespace relay::aws
