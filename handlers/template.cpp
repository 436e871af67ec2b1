#include "handlers/template.hpp"

#include "payloads/input_template.hpp"
#include "relay/core/object_reader.hpp"

#include <boost/json/object.hpp>

namespace relay::handlers {

namespace {

class Template final : public Handler {
 public:
  Template(std::string route, std::string content_type, payloads::InputTemplate input_template)
      : route_(std::move(route)), content_type_(std::move(content_type)), template_(std::move(input_template)) {}

  std::string default_pattern() const override { return std::string(kEveryEventPattern); }
  std::string_view content_type() const override { return content_type_; }

  std::optional<Skip> transform(const core::Event& event, std::string& body) const override {
    template_.render(event.envelope, route_, body);
    return std::nullopt;
  }

 private:
  std::string route_;
  std::string content_type_;
  payloads::InputTemplate template_;
};

}  // namespace

std::unique_ptr<Handler> make_template(const HandlerArgs& args) {
  core::ObjectReader o(args.options, "", args.errors);
  const auto* paths = o.object("input_paths");
  const std::string text = o.string("input_template", {}, true);
  const std::string content_type = o.string("content_type", "application/json");
  o.reject_unknown();
  if (text.empty()) return nullptr;
  const bool json = content_type == "application/json" || content_type.ends_with("+json");
  auto compiled = payloads::InputTemplate::compile(paths, text, json, args.errors);
  if (!compiled) return nullptr;
  return std::make_unique<Template>(std::string(args.route), content_type, std::move(*compiled));
}

}  // namespace relay::handlers
