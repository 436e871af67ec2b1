#include "relay/pattern/pattern_text.hpp"

#include "relay/pattern/json_scanner.hpp"
#include "relay/pattern/number_spelling.hpp"
#include "relay/pattern/pattern_path.hpp"

#include <boost/json.hpp>

namespace relay::pattern {
namespace {

class PatternTextReader {
 public:
  PatternTextReader(std::string_view text, NumberSpellings& spellings) : scanner_(text), spellings_(spellings) {}

  std::optional<PatternError> read(boost::json::value& out) {
    if (!read_value(out, "")) return error_;
    if (!scanner_.at_end()) return PatternError{"", syntax_error()};
    return std::nullopt;
  }

 private:
  bool read_value(boost::json::value& out, const std::string& path) {
    switch (scanner_.peek()) {
      case '{': return read_object(out, path);
      case '[': return read_array(out, path);
      case '"': {
        std::string_view s;
        if (!scanner_.read_string(s, scratch_)) return fail_syntax();
        out = boost::json::string(s);
        return true;
      }
      case 't': out = true; return scanner_.read_literal("true") || fail_syntax();
      case 'f': out = false; return scanner_.read_literal("false") || fail_syntax();
      case 'n': out = nullptr; return scanner_.read_literal("null") || fail_syntax();
      default: {
        std::string_view token;
        if (!scanner_.read_number(token)) return fail_syntax();
        const double value = number_value(token);
        if (!number_is_exact(token, value)) spellings_[path] = std::string(token);
        out = value;
        return true;
      }
    }
  }

  bool read_object(boost::json::value& out, const std::string& path) {
    scanner_.consume('{');
    auto& object = out.emplace_object();
    if (scanner_.consume('}')) return true;
    do {
      std::string_view key;
      if (!scanner_.read_string(key, scratch_) || !scanner_.consume(':')) return fail_syntax();
      const std::string owned_key(key);
      boost::json::value member;
      if (!read_value(member, path_key(path, owned_key))) return false;
      object[owned_key] = std::move(member);
    } while (scanner_.consume(','));
    return scanner_.consume('}') || fail_syntax();
  }

  bool read_array(boost::json::value& out, const std::string& path) {
    scanner_.consume('[');
    auto& array = out.emplace_array();
    if (scanner_.consume(']')) return true;
    do {
      const std::string element_path = path_index(path, array.size());
      if (!read_value(array.emplace_back(nullptr), element_path)) return false;
    } while (scanner_.consume(','));
    return scanner_.consume(']') || fail_syntax();
  }

  bool fail_syntax() {
    error_ = PatternError{"", syntax_error()};
    return false;
  }
  std::string syntax_error() const { return "not valid JSON (at offset " + std::to_string(scanner_.offset()) + ")"; }

  JsonScanner scanner_;
  NumberSpellings& spellings_;
  std::string scratch_;
  PatternError error_;
};

}  // namespace

std::optional<PatternError> read_pattern_text(std::string_view text, boost::json::value& out,
                                              NumberSpellings& spellings) {
  return PatternTextReader(text, spellings).read(out);
}

}  // namespace relay::pattern
