#pragma once
// Puts an ingress Answer into a Beast response.
#include "relay/net/http_server.hpp"
#include "relay/net/ingress.hpp"

namespace relay::net {

inline void to_response(Answer answer, HttpResponse& response) {
  response.result(answer.status);
  response.set(http::field::content_type, answer.content_type);
  if (answer.retry_after) response.set(http::field::retry_after, std::to_string(*answer.retry_after));
  if (!answer.etag.empty()) response.set(http::field::etag, answer.etag);
  for (auto& [name, value] : answer.headers) response.set(name, std::move(value));
  response.body() = std::move(answer.body);
}

}  // namespace relay::net
