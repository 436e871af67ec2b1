#pragma once
// A problem with input the relay was given: where it is and what is wrong.
#include <string>

namespace relay::core {

struct InputError {
  std::string where;  // JSON path ("[2].detail-type"), "line 3, column 7", or empty
  std::string what;

  // "where: what", or just "what" without a location.
  std::string message() const { return where.empty() ? what : where + ": " + what; }
};

}  // namespace relay::core
