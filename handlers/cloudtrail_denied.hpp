#pragma once
// "AWS API Call via CloudTrail" whose errorCode is AccessDenied, AccessDeniedException or
// ends in UnauthorizedOperation -> incident saying who made which call to which service,
// from where. Options: priority.
#include "handlers/handler.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <vector>

namespace relay::handlers {

std::unique_ptr<Handler> make_cloudtrail_denied(const HandlerArgs& args);

}  // namespace relay::handlers
