#include "tests/support/npm_packages.hpp"

#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

namespace relay::testing {

std::string npm_packages(const std::vector<std::string>& specs) {
  const std::string dir = RELAY_BINARY_DIR "/test-npm";
  std::filesystem::create_directories(dir);
  const int lock = ::open((dir + "/.install-lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  EXPECT_GE(lock, 0);
  EXPECT_EQ(::flock(lock, LOCK_EX), 0);
  std::vector<std::string> missing;
  for (const auto& spec : specs) {
    const auto at = spec.rfind('@');  // a scoped name starts with '@' too
    const std::string name = at == 0 || at == std::string::npos ? spec : spec.substr(0, at);
    if (!std::filesystem::exists(dir + "/node_modules/" + name + "/package.json")) missing.push_back(spec);
  }
  if (!missing.empty()) {
    std::vector<std::string> argv = {"npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "--silent"};
    argv.insert(argv.end(), missing.begin(), missing.end());
    auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  ::close(lock);
  return dir + "/node_modules";
}

}  // namespace relay::testing
