#include "relay/net/http_wire.hpp"

namespace relay::net {

std::string wire_head(const http::response_header<>& head) {
  std::string out;
  out.reserve(256);
  const unsigned version = head.version();
  out.append("HTTP/").append(1, static_cast<char>('0' + version / 10)).append(1, '.');
  out.append(1, static_cast<char>('0' + version % 10)).append(1, ' ');
  out.append(std::to_string(head.result_int())).append(1, ' ');
  const auto reason = head.reason();
  out.append(reason.data(), reason.size()).append("\r\n");
  for (const auto& field : head) {
    const auto name = field.name_string();
    const auto value = field.value();
    out.append(name.data(), name.size()).append(": ").append(value.data(), value.size()).append("\r\n");
  }
  out.append("\r\n");
  return out;
}

}  // namespace relay::net
