#include "relay/net/http_wire.hpp"

namespace relay::net {

namespace {

void append_version(std::string& out, unsigned version) {
  out.append("HTTP/").append(1, static_cast<char>('0' + version / 10)).append(1, '.');
  out.append(1, static_cast<char>('0' + version % 10));
}

void append_fields_and_blank_line(std::string& out, const http::fields& fields) {
  for (const auto& field : fields) {
    const auto name = field.name_string();
    const auto value = field.value();
    out.append(name.data(), name.size()).append(": ").append(value.data(), value.size()).append("\r\n");
  }
  out.append("\r\n");
}

}  // namespace

std::string wire_head(const http::request_header<>& head) {
  std::string out;
  out.reserve(256);
  const auto method = head.method_string();
  const auto target = head.target();
  out.append(method.data(), method.size()).append(1, ' ').append(target.data(), target.size()).append(1, ' ');
  append_version(out, head.version());
  out.append("\r\n");
  append_fields_and_blank_line(out, head);
  return out;
}

std::string wire_head(const http::response_header<>& head) {
  std::string out;
  out.reserve(256);
  append_version(out, head.version());
  out.append(1, ' ').append(std::to_string(head.result_int())).append(1, ' ');
  const auto reason = head.reason();
  out.append(reason.data(), reason.size()).append("\r\n");
  append_fields_and_blank_line(out, head);
  return out;
}

}  // namespace relay::net
