#pragma once
// Test certificates made with the openssl command in a TempDir.
#include <string>

#include "tests/support/run_process.hpp"

namespace relay::testing {

struct CertificateFiles {
  std::string cert;  // PEM
  std::string key;   // PEM, unencrypted
};

// A self-signed certificate for `host` (a name, or an IPv4 address such as 127.0.0.1; also its
// own CA), as NAME.crt and NAME.key in `dir`.
// Throws std::runtime_error when openssl fails.
CertificateFiles make_certificate(const TempDir& dir, const std::string& name, const std::string& host);

}  // namespace relay::testing
