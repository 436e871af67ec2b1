#pragma once
// One header of an outgoing request.
#include <string>

namespace relay::destination {

struct Header {
  std::string name;  // lower case
  std::string value;
  bool secret = false;  // a credential (a token, an env:/file: value, a signature key): never printed
};

}  // namespace relay::destination
