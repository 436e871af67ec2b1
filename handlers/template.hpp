#pragma once
// Any receiver's body, from an EventBridge input-transformer template (see
// payloads/input_template.hpp). Options: input_paths, input_template (required),
// content_type (default application/json; anything else is a text template).
#include "handlers/handler.hpp"

#include <memory>

namespace relay::handlers {

std::unique_ptr<Handler> make_template(const HandlerArgs& args);

}  // namespace relay::handlers
