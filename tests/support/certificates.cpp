#include "tests/support/certificates.hpp"

#include <stdexcept>

namespace relay::testing {

CertificateFiles make_certificate(const TempDir& dir, const std::string& name, const std::string& host) {
  const CertificateFiles files{dir.path() + "/" + name + ".crt", dir.path() + "/" + name + ".key"};
  const auto r = run_process({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                              "/CN=" + host, "-addext", "subjectAltName=DNS:" + host, "-keyout", files.key, "-out",
                              files.cert});
  if (r.exit_code != 0) throw std::runtime_error("openssl: " + r.err);
  return files;
}

}  // namespace relay::testing
