#include "relay/destination/client_certificate.hpp"

#include "relay/config/read_file.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace relay::destination {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

std::unique_ptr<BIO, BioFree> memory_bio(const std::string& bytes) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// Gives no passphrase: an encrypted key fails to load instead of prompting on a terminal.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

std::optional<CertificateProblem> check_client_certificate(const ClientCertificate& files) {
  std::string error;
  const auto cert_pem = config::read_file(files.cert_file, error);
  if (!cert_pem) return CertificateProblem{"client_cert", "cannot read " + error};
  const auto key_pem = config::read_file(files.key_file, error);
  if (!key_pem) return CertificateProblem{"client_key", "cannot read " + error};
  auto cert_bio = memory_bio(*cert_pem);
  std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr));
  if (!cert) return CertificateProblem{"client_cert", files.cert_file + ": not a PEM certificate"};
  auto key_bio = memory_bio(*key_pem);
  std::unique_ptr<EVP_PKEY, KeyFree> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
  if (!key)
    return CertificateProblem{"client_key",
                              files.key_file + ": not a PEM private key (an encrypted key is not supported)"};
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    return CertificateProblem{"client_key", files.key_file + ": not the private key of " + files.cert_file};
  return std::nullopt;
}

}  // namespace relay::destination
