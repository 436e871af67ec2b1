#pragma once
// npm packages the tests check relay against (reference signers, verifiers), installed on
// first use into one directory of the build tree, shared by every test binary.
#include <string>
#include <vector>

namespace relay::testing {

// Installs the packages ("name@version") missing from the shared directory and returns that
// directory (require(dir + '/node_modules/NAME')). CTest runs test processes in parallel: the
// install happens under a lock on the directory, so the others wait for a complete copy.
// Throws std::runtime_error when npm fails.
std::string npm_packages(const std::vector<std::string>& packages);

}  // namespace relay::testing
