#include "relay/bus/aws_error.hpp"

#include "relay/core/utf8.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace relay::bus {

std::string error_body(const AwsError& error) {
  // Messages may quote the request: keep the body JSON.
  return boost::json::serialize(
      boost::json::object{{"__type", error.type}, {"message", core::valid_utf8(error.message)}});
}

AwsError serialization_error(std::string message) { return {400, "SerializationException", std::move(message)}; }

AwsError validation_error(std::string message) { return {400, "ValidationException", std::move(message)}; }

}  // namespace relay::bus
