#pragma once
// A TLS client certificate (mTLS): the PEM files a destination's `tls` names, checked at
// config load so a missing, unreadable, encrypted or mismatched pair is a config error.
#include <optional>
#include <string>

namespace relay::destination {

struct ClientCertificate {
  std::string cert_file;  // PEM: the certificate, then any intermediates
  std::string key_file;   // PEM: its private key, unencrypted
};

struct CertificateProblem {
  std::string key;  // "client_cert" or "client_key": which file it concerns
  std::string message;
};

// Why `files` cannot be used; nullopt when they can.
std::optional<CertificateProblem> check_client_certificate(const ClientCertificate& files);

}  // namespace relay::destination
