#include "relay/cli/lambda_bootstrap.hpp"

#include <cstdlib>
#include <filesystem>

namespace relay::cli {

bool invoked_as_lambda_bootstrap(int argc, const char* const* argv) {
  return argc == 1 && std::filesystem::path(argv[0]).filename() == "bootstrap";
}

void use_packaged_certificates(const char* argv0) {
  if (const char* given = std::getenv("SSL_CERT_FILE"); given && *given) return;
  const auto bundle = std::filesystem::path(argv0).parent_path() / "ssl" / "cert.pem";
  std::error_code ec;
  if (std::filesystem::is_regular_file(bundle, ec)) ::setenv("SSL_CERT_FILE", bundle.c_str(), 1);
}

}  // namespace relay::cli
