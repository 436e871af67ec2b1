// The Lambda package (make lambda: build/lambda/relay-lambda.zip) runs with nothing but its
// own files: unpacked into /var/task of an otherwise empty root (no /lib, no /usr, no /proc,
// no shell) and run there with chroot (as root) or `unshare -r --root` (as a user), its
// bootstrap loads its bundled loader, glibc and libraries only.
#include "tests/net/relay_fixture.hpp"
#include "tests/support/certificates.hpp"
#include "tests/support/lambda_runtime_emulator.hpp"
#include "tests/support/run_process.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace relay::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kSample = RELAY_SOURCE_DIR "/payloads/samples/ecs-task-stopped-exit-codes.json";
const std::vector<std::string> kWebhookEnv = {"WEBHOOK_URL=https://hooks.example.com/devops-agent",
                                              "WEBHOOK_SECRET=lambda-package-test"};

class LambdaPackage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir;
    task_ = unpack(*root_);
    fs::create_directories(root_->path() + "/events");
    fs::copy_file(kSample, root_->path() + "/events/sample.json");
  }
  static void TearDownTestSuite() {
    delete root_;
    root_ = nullptr;
  }

  // Unpacks the zip into ROOT/var/task, which it returns.
  static std::string unpack(const TempDir& root) {
    const std::string task = root.path() + "/var/task";
    fs::create_directories(task);
    const auto unpacked = run_process({"unzip", "-q", RELAY_LAMBDA_ZIP, "-d", task});
    EXPECT_EQ(unpacked.exit_code, 0) << unpacked.err;
    return task;
  }

  // Runs argv inside the root; the command's paths are the root's.
  static ProcessResult run_confined(const std::vector<std::string>& argv, const std::vector<std::string>& env = {}) {
    std::vector<std::string> command = confinement(root_->path());
    command.insert(command.end(), argv.begin(), argv.end());
    return run_process(command, {}, env);
  }

  // Why no command can be confined here, or empty when it can.
  static std::string confinement_problem() {
    auto probe = confinement("/");
    probe.push_back("/bin/true");
    const auto result = run_process(probe);
    return result.exit_code == 0 ? std::string() : "cannot change root here (" + probe.front() + "): " + result.err;
  }

  static std::vector<std::string> confinement(const std::string& root) {
    if (::geteuid() == 0) return {"chroot", root};
    return {"unshare", "-r", "--root=" + root};
  }

  static TempDir* root_;
  static std::string task_;
};

TempDir* LambdaPackage::root_ = nullptr;
std::string LambdaPackage::task_;

std::vector<std::string> elf_files(const std::string& task) {
  std::vector<std::string> files{task + "/bootstrap"};
  for (const auto& entry : fs::directory_iterator(task + "/lib")) files.push_back(entry.path().string());
  return files;
}

std::string readelf(const std::string& option, const std::string& file) {
  const auto result = run_process({"readelf", option, "--wide", file});
  EXPECT_EQ(result.exit_code, 0) << file << ": " << result.err;
  return result.out;
}

// Symbol versions from `readelf -V`: those a file defines, and those it needs by library.
struct SymbolVersions {
  std::set<std::string> defined;
  std::map<std::string, std::set<std::string>> needed;  // library file name -> versions
};

SymbolVersions symbol_versions(const std::string& file) {
  SymbolVersions versions;
  std::istringstream lines(readelf("-V", file));
  enum { none, definitions, needs } section = none;
  std::string line, library;
  while (std::getline(lines, line)) {
    if (line.starts_with("Version definition section")) section = definitions;
    else if (line.starts_with("Version needs section")) section = needs;
    else if (line.starts_with("Version symbols section")) section = none;
    const auto name_at = line.find("Name: ");
    const auto file_at = line.find("File: ");
    if (section == needs && file_at != std::string::npos) {
      std::istringstream(line.substr(file_at + 6)) >> library;
    } else if (name_at != std::string::npos && section != none) {
      std::string version;
      std::istringstream(line.substr(name_at + 6)) >> version;
      if (section == definitions) versions.defined.insert(version);
      else versions.needed[library].insert(version);
    }
  }
  return versions;
}

TEST_F(LambdaPackage, HoldsBootstrapLibrariesCertificatesAndConfig) {
  for (const auto* name : {"bootstrap", "lib/ld-linux-x86-64.so.2", "lib/libc.so.6", "lib/libstdc++.so.6",
                           "lib/libssl.so.3", "lib/libcrypto.so.3", "ssl/cert.pem", "relay.yaml"})
    EXPECT_TRUE(fs::is_regular_file(task_ + "/" + name)) << name;
  const auto perms = fs::status(task_ + "/bootstrap").permissions();
  EXPECT_NE(perms & fs::perms::others_exec, fs::perms::none) << "Lambda runs bootstrap as another user";
}

TEST_F(LambdaPackage, BootstrapLoadsFromTheTaskRootOnly) {
  const std::string program = readelf("--program-headers", task_ + "/bootstrap");
  EXPECT_NE(program.find("[Requesting program interpreter: /var/task/lib/ld-linux-x86-64.so.2]"), std::string::npos)
      << program;
  const std::string dynamic = readelf("--dynamic", task_ + "/bootstrap");
  EXPECT_NE(dynamic.find("(RPATH)"), std::string::npos) << dynamic;
  EXPECT_NE(dynamic.find("Library rpath: [/var/task/lib]"), std::string::npos) << dynamic;
  EXPECT_EQ(dynamic.find("(RUNPATH)"), std::string::npos) << "RUNPATH does not cover the libraries' own needs";
}

// Every library an object needs is in lib/, and every symbol version it needs from one is
// defined there: the bundle is self-consistent, so the system's glibc (2.34 on Amazon Linux
// 2023) never enters.
TEST_F(LambdaPackage, EveryNeededLibraryAndSymbolVersionIsBundled) {
  std::map<std::string, SymbolVersions> bundled;
  for (const auto& file : elf_files(task_)) bundled[fs::path(file).filename().string()] = symbol_versions(file);
  for (const auto& [object, versions] : bundled) {
    std::istringstream dynamic(readelf("--dynamic", task_ + (object == "bootstrap" ? "/" : "/lib/") + object));
    for (std::string line; std::getline(dynamic, line);) {
      const auto at = line.find("Shared library: [");
      if (at == std::string::npos) continue;
      const auto needed = line.substr(at + 17, line.find(']', at) - at - 17);
      EXPECT_TRUE(bundled.contains(needed)) << object << " needs " << needed << ", which lib/ lacks";
    }
    for (const auto& [library, wanted] : versions.needed) {
      ASSERT_TRUE(bundled.contains(library)) << object << " needs versions of " << library << ", which lib/ lacks";
      for (const auto& version : wanted)
        EXPECT_TRUE(bundled[library].defined.contains(version))
            << object << " needs " << library << " " << version << ", which the bundled one does not define";
    }
  }
  EXPECT_TRUE(bundled["libc.so.6"].defined.contains("GLIBC_2.36")) << "the bundled glibc is the build machine's";
  EXPECT_TRUE(bundled["bootstrap"].needed["libc.so.6"].contains("GLIBC_2.34")) << "relay needs glibc 2.34 or later";
}

TEST_F(LambdaPackage, RunsInAnEmptyRoot) {
  if (const auto problem = confinement_problem(); !problem.empty()) GTEST_SKIP() << problem;
  std::set<std::string> top;
  for (const auto& entry : fs::directory_iterator(root_->path())) top.insert(entry.path().filename().string());
  ASSERT_EQ(top, (std::set<std::string>{"events", "var"}));

  const auto version = run_confined({"/var/task/bootstrap", "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, "relay " RELAY_VERSION "\n");
}

// Its libcrypto signs and its pipeline transforms exactly as the relay binary built here.
TEST_F(LambdaPackage, SendsWhatTheBuiltRelaySends) {
  if (const auto problem = confinement_problem(); !problem.empty()) GTEST_SKIP() << problem;
  const auto packaged = run_confined(
      {"/var/task/bootstrap", "test", "--timestamp", "2026-11-30T09:00:00.000Z", "/events/sample.json"}, kWebhookEnv);
  const auto built = run_process({RELAY_BINARY, "test", "--timestamp", "2026-11-30T09:00:00.000Z", kSample}, {},
                                 kWebhookEnv);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_EQ(packaged.exit_code, 0) << packaged.err;
  auto expected = built.out;
  for (auto at = expected.find(kSample); at != std::string::npos; at = expected.find(kSample, at))
    expected.replace(at, kSample.size(), "/events/sample.json");
  EXPECT_EQ(packaged.out, expected);
}

// Lambda starts /var/task/bootstrap with no arguments: that is `relay lambda`, which outside
// Lambda says so instead of a loader error.
TEST_F(LambdaPackage, BootstrapWithoutArgumentsRunsRelayLambda) {
  if (const auto problem = confinement_problem(); !problem.empty()) GTEST_SKIP() << problem;
  const auto result = run_confined({"/var/task/bootstrap"}, {"AWS_LAMBDA_RUNTIME_API="});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("relay lambda: AWS_LAMBDA_RUNTIME_API is not set"), std::string::npos) << result.err;
}

// Started as Lambda starts it (no arguments) in an empty root, bootstrap delivers over HTTPS,
// trusting the CA bundle packaged next to it (ssl/cert.pem; here the sink's own certificate).
TEST_F(LambdaPackage, DeliversOverHttpsTrustingThePackagedBundle) {
  if (const auto problem = confinement_problem(); !problem.empty()) GTEST_SKIP() << problem;
  TempDir dir, root;
  const auto task = unpack(root);
  const auto sink_certificate = make_certificate(dir, "sink", "127.0.0.1");
  fs::copy_file(sink_certificate.cert, task + "/ssl/cert.pem", fs::copy_options::overwrite_existing);
  std::string command = "#!/bin/sh\nexec";
  for (const auto& word : confinement(root.path())) command += " '" + word + "'";
  const auto wrapper = dir.write("bootstrap", command + " /var/task/bootstrap\n");
  ASSERT_EQ(::chmod(wrapper.c_str(), 0755), 0);

  const Listening sink = start_sink({"--tls-cert", sink_certificate.cert, "--tls-key", sink_certificate.key});
  ASSERT_TRUE(sink.url.starts_with("https://127.0.0.1:")) << sink.url;
  LambdaRuntimeEmulator emulator;
  emulator.launch({wrapper,
                   {"WEBHOOK_URL=" + sink.url + "/hooks", "WEBHOOK_SECRET=" + std::string(kSinkSecret), "RELAY_CONFIG=",
                    "SSL_CERT_FILE="}});
  const auto answer = emulator.wait_answer(emulator.invoke(read_text(kSample)), 20s);
  ASSERT_TRUE(answer) << emulator.runtime().stderr_text();
  EXPECT_FALSE(answer->error) << answer->body << "\n" << emulator.runtime().stderr_text();
  EXPECT_EQ(sink_lines(*sink.process, 1, 10s).size(), 1u);
}

}  // namespace
}  // namespace relay::testing
