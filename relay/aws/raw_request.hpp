#pragma once
// A raw HTTP/1.1 request as text (the form `relay sign` and `relay verify` read and print):
// request line, header lines, a blank line, the body. Pure; any thread may call.
#include "relay/aws/sigv4.hpp"
#include "relay/core/input_error.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace relay::aws {

// Lines end in CRLF or LF. The target is everything between the method and the version (so
// "GET /a b/ HTTP/1.1" has the target "/a b/"). Header values lose the spaces around them;
// a folded line (one starting with a space or tab) joins the header above with one space.
// The body is the rest of the text, or exactly Content-Length bytes when that header is
// given. Errors name the line ("line 3") and what is wrong; a request needs a Host header.
std::variant<HttpRequest, core::InputError> parse_raw_request(std::string_view text);

// The request with CRLF line ends and "Name: value" header lines, then the body as it is.
std::string format_raw_request(const HttpRequest& request);

}  // namespace relay::aws
