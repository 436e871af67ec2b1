// Any text as a config file (YAML, or JSON): parse_config either returns a config with a
// pipeline and no errors, or no config and at least one "path: problem" line.
#include "relay/config/config.hpp"
#include "tests/fuzz/fuzz_input.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The env: references of the deploy examples (the seeds) resolve, to a secret every
  // signing scheme takes (Standard Webhooks needs the whsec_ form).
  for (const char* name : {"WEBHOOK_SECRET", "DEVOPS_AGENT_WEBHOOK_SECRET", "JIRA_AUTHORIZATION",
                           "MY_SERVICE_WEBHOOK_SECRET", "MY_SERVICE_WEBHOOK_SECRET_OLD", "RELAY_ADMIN_TOKEN",
                           "RELAY_INGRESS_KEY", "RELAY_INGRESS_PASSWORD", "RELAY_INGRESS_SECRET", "RELAY_INGRESS_TOKEN"})
    setenv(name, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view text = relay::fuzz::as_text(data, size);
  // A file: secret reads the named file from this machine (even /dev/zero): not the
  // parser's input, so such configs are left out.
  if (text.find("file:") != std::string_view::npos) return 0;
  std::vector<std::string> errors;
  const auto config = relay::config::parse_config(text, errors);
  if (config) {
    RELAY_FUZZ_CHECK(errors.empty());
    RELAY_FUZZ_CHECK(config->pipeline != nullptr);
  } else {
    RELAY_FUZZ_CHECK(!errors.empty());
    for (const auto& e : errors) RELAY_FUZZ_CHECK(!e.empty());
  }
  return 0;
}
