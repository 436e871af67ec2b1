#pragma once
// How the relay binary behaves when AWS Lambda starts it as /var/task/bootstrap (the zip that
// deploy/lambda/package.sh builds). Called from main before anything else runs.

namespace relay::cli {

// True when the process was started under the name `bootstrap` with no arguments, as Lambda
// starts a custom runtime: it then runs as `relay lambda`.
bool invoked_as_lambda_bootstrap(int argc, const char* const* argv);

// Points OpenSSL at the CA bundle packaged next to the binary (ssl/cert.pem) unless
// SSL_CERT_FILE names one already (set and not empty): the bundled libcrypto would look in
// the build system's paths, which Amazon Linux lacks.
void use_packaged_certificates(const char* argv0);

}  // namespace relay::cli
