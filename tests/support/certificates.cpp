#include "tests/support/certificates.hpp"

#include <stdexcept>

namespace relay::testing {

CertificateFiles make_certificate(const TempDir& dir, const std::string& name, const std::string& host) {
  const CertificateFiles files{dir.path() + "/" + name + ".crt", dir.path() + "/" + name + ".key"};
  const bool ipv4 = host.find_first_not_of("0123456789.") == std::string::npos;
  const auto r = run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                              "/CN=" + host, "-addext", "subjectAltName=" + std::string(ipv4 ? "IP:" : "DNS:") + host,
                              "-keyout", files.key, "-out", files.cert});
  if (r.exit_code != 0) throw std::runtime_error("openssl: " + r.err);
  return files;
}

}  // namespace relay::testing
