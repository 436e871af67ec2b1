#include "relay/aws/raw_request.hpp"

#include "relay/aws/header_text.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace relay::aws {

namespace {

// Control characters other than tab have no place in a request line or header value.
bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; });
}

core::InputError at_line(std::size_t line, std::string what) {
  return {"line " + std::to_string(line), std::move(what)};
}

// Reads lines one at a time, keeping where the next one starts.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  // The next line without its line end; nullopt at the end of the text.
  std::optional<std::string_view> next() {
    if (pos_ >= text_.size()) return std::nullopt;
    const auto end = std::min(text_.find('\n', pos_), text_.size());
    auto line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++number_;
    if (line.ends_with('\r')) line.remove_suffix(1);
    return line;
  }
  std::size_t number() const { return number_; }
  std::string_view rest() const { return pos_ >= text_.size() ? std::string_view{} : text_.substr(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t number_ = 0;
};

std::optional<core::InputError> parse_request_line(std::string_view line, HttpRequest& request) {
  const auto first = line.find(' ');
  const auto last = line.rfind(' ');
  if (first == std::string_view::npos || first == last)
    return at_line(1, "expected a request line: METHOD TARGET HTTP/1.1");
  request.method = line.substr(0, first);
  request.target = line.substr(first + 1, last - first - 1);
  if (!is_token(request.method)) return at_line(1, "the method \"" + request.method + "\" is not a token");
  if (line.substr(last + 1) != "HTTP/1.1")
    return at_line(
        1, "expected HTTP/1.1 at the end of the request line, not \"" + std::string(line.substr(last + 1)) + "\"");
  if (!request.target.starts_with('/')) return at_line(1, "the target must start with /");
  if (has_control(request.target)) return at_line(1, "the target holds a control character");
  return std::nullopt;
}

}  // namespace

std::variant<HttpRequest, core::InputError> parse_raw_request(std::string_view text) {
  HttpRequest request;
  Lines lines(text);
  const auto request_line = lines.next();
  if (!request_line || request_line->empty()) return at_line(1, "expected a request line, found nothing");
  if (auto error = parse_request_line(*request_line, request)) return *error;

  std::optional<std::size_t> content_length;
  std::size_t content_length_line = 0;
  while (const auto line = lines.next()) {
    if (line->empty()) break;
    if (line->front() == ' ' || line->front() == '\t') {
      if (request.headers.empty()) return at_line(lines.number(), "a folded line before any header");
      const auto more = trim_ows(*line);
      if (has_control(more)) return at_line(lines.number(), "the header value holds a control character");
      if (!more.empty()) (request.headers.back().second += ' ') += more;
      continue;
    }
    const auto colon = line->find(':');
    if (colon == std::string_view::npos) return at_line(lines.number(), "expected a header line: Name: value");
    const auto name = line->substr(0, colon);
    const auto value = trim_ows(line->substr(colon + 1));
    if (!is_token(name)) return at_line(lines.number(), "the header name \"" + std::string(name) + "\" is not a token");
    if (has_control(value))
      return at_line(lines.number(), "the value of " + std::string(name) + " holds a control character");
    if (iequals(name, "transfer-encoding"))
      return at_line(lines.number(), "Transfer-Encoding is not supported: give the body as it is");
    if (iequals(name, "content-length")) {
      std::size_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size())
        return at_line(lines.number(), "Content-Length must be a number of bytes");
      if (content_length) return at_line(lines.number(), "a second Content-Length");
      content_length = n;
      content_length_line = lines.number();
    }
    request.headers.emplace_back(name, value);
  }
  if (std::none_of(request.headers.begin(), request.headers.end(),
                   [](const auto& h) { return iequals(h.first, "host"); }))
    return core::InputError{"", "the request has no Host header"};

  request.body = lines.rest();
  if (content_length && *content_length != request.body.size())
    return at_line(content_length_line, "Content-Length is " + std::to_string(*content_length) + " but the body has " +
                                            std::to_string(request.body.size()) + " bytes");
  return request;
}

std::string format_raw_request(const HttpRequest& request) {
  std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : request.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += request.body;
  return out;
}

}  // namespace relay::aws
