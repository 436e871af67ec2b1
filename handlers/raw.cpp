#include "handlers/raw.hpp"

#include "relay/core/json_writer.hpp"
#include "relay/core/object_reader.hpp"

namespace relay::handlers {

namespace {

class Raw final : public Handler {
 public:
  std::string default_pattern() const override { return std::string(kEveryEventPattern); }

  std::optional<Skip> transform(const core::Event& event, std::string& body) const override {
    core::JsonWriter(body, core::JsonStyle::compact).value(event.envelope);
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Handler> make_raw(const HandlerArgs& args) {
  core::ObjectReader(args.options, "", args.errors).reject_unknown();
  return std::make_unique<Raw>();
}

}  // namespace relay::handlers
