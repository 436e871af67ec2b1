#pragma once
// npm packages the tests cross-check against (standardwebhooks, @smithy/signature-v4, the
// AWS SDK), installed with npm into the build tree on first use.
#include <string>
#include <vector>

namespace relay::testing {

// Installs whichever of `specs` ("name@version") are missing and returns the node_modules
// directory. CTest runs tests in parallel processes: the first installs while holding a
// lock on the directory, the others wait for it. Installing fails the calling test.
std::string npm_packages(const std::vector<std::string>& specs);

}  // namespace relay::testing
