#pragma once
// "CodeBuild Build State Change" whose build-status is in `statuses` (default FAILED,
// STOPPED) -> incident naming the project, build, failed phase, initiator, source version
// and logs link; service = project name. Options: priority, statuses.
#include "handlers/handler.hpp"

#include <boost/json/fwd.hpp>

#include <memory>
#include <vector>

namespace relay::handlers {

std::unique_ptr<Handler> make_codebuild(const HandlerArgs& args);

}  // namespace relay::handlers
