#pragma once
// A self-signed certificate for 127.0.0.1 and localhost (EC P-256, valid for a day), written
// as PEM files, for TLS tests that trust it as their CA file.
#include <string>

namespace relay::testing {

// Throws std::runtime_error when OpenSSL cannot make or write it.
void write_self_signed(const std::string& cert_path, const std::string& key_path);

}  // namespace relay::testing
