#include "tests/support/npm_packages.hpp"

#include "tests/support/run_process.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace relay::testing {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string npm_packages(const std::vector<std::string>& packages) {
  const std::string dir = RELAY_BINARY_DIR "/test-npm";
  std::filesystem::create_directories(dir);
  const int lock = ::open((dir + "/.install-lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + dir + "/.install-lock");
  std::vector<std::string> missing;
  for (const auto& package : packages) {
    const auto version_at = package.rfind('@');  // 0 for a scoped name without a version
    const auto name = package.substr(0, version_at == 0 ? std::string::npos : version_at);
    const std::string manifest = dir + "/node_modules/" + name + "/package.json";
    const bool pinned = version_at != 0 && version_at != std::string::npos;
    // Another version installed by an older build tree counts as missing.
    if (!std::filesystem::exists(manifest) ||
        (pinned && read_file(manifest).find("\"version\": \"" + package.substr(version_at + 1) + "\"") ==
                       std::string::npos))
      missing.push_back(package);
  }
  ProcessResult installed{0};
  if (!missing.empty()) {
    std::vector<std::string> argv = {"npm", "install", "--prefix", dir, "--no-audit", "--no-fund", "--silent"};
    argv.insert(argv.end(), missing.begin(), missing.end());
    installed = run_process(argv);
  }
  ::close(lock);
  if (installed.exit_code != 0) throw std::runtime_error("npm install failed: " + installed.err);
  return dir;
}

}  // namespace relay::testing
