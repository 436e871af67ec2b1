#pragma once
// Runs a command for a test and captures its exit code and output.
#include <string>
#include <vector>

namespace relay::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] with the arguments (no shell), feeding `input` on stdin; extra_env entries
// are "NAME=value" added to (or, with an empty value part "NAME=", replacing) the environment.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {},
                          const std::vector<std::string>& extra_env = {});

std::string read_text(const std::string& path);

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;  // returns the file path

 private:
  std::string path_;
};

}  // namespace relay::testing
