#include "relay/pattern/event_reader.hpp"

#include "relay/pattern/json_scanner.hpp"
#include "relay/pattern/number_spelling.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace relay::pattern {
namespace {

// What both readers share: the array positions of the current place and the output.
class FieldCollector {
 public:
  FieldCollector(const FieldTree& tree, EventFields& out) : tree_(tree), out_(out) { out_.clear(); }

 protected:
  // A scalar at `node`; `held_by` is how many of the open array positions count for it.
  void emit(std::uint32_t node, std::size_t held_by, ValueKind kind, double number, std::string_view text) {
    const auto begin = static_cast<std::uint32_t>(out_.positions.size());
    out_.positions.insert(out_.positions.end(), open_.begin(), open_.begin() + static_cast<std::ptrdiff_t>(held_by));
    out_.values.push_back(FieldValue{tree_.field(node), kind, number, text, begin,
                                     static_cast<std::uint32_t>(out_.positions.size())});
  }
  void open_array() { open_.push_back(ArrayPosition{next_array_++, 0}); }

  const FieldTree& tree_;
  EventFields& out_;
  std::vector<ArrayPosition> open_;  // one per array we are inside, outermost first
  std::uint32_t next_array_ = 0;
};

class TextReader : FieldCollector {
 public:
  TextReader(std::string_view text, const FieldTree& tree, EventFields& out)
      : FieldCollector(tree, out), scanner_(text), text_size_(text.size()) {}

  bool read() { return read_value(FieldTree::kRoot, 0, 0) && scanner_.at_end(); }

 private:
  bool read_value(std::uint32_t node, std::size_t depth, std::size_t held_by) {
    if (depth > kMaxEventDepth) return false;
    const bool tested = tree_.field(node) != FieldTree::kNone;
    switch (scanner_.peek()) {
      case '{': return tree_.has_children(node) ? read_object(node, depth) : scanner_.skip_value();
      case '[': return read_array(node, depth, held_by);
      case '"': {
        if (!tested) return scanner_.skip_value();
        std::string_view s;
        if (!scanner_.read_string(s, scratch_)) return false;
        if (s.data() == scratch_.data()) s = keep_decoded(s);
        emit(node, held_by, ValueKind::string, 0, s);
        return true;
      }
      case 't': return read_literal(node, held_by, tested, "true", ValueKind::true_value);
      case 'f': return read_literal(node, held_by, tested, "false", ValueKind::false_value);
      case 'n': return read_literal(node, held_by, tested, "null", ValueKind::null);
      default: {
        std::string_view token;
        if (!scanner_.read_number(token)) return false;
        if (!tested) return true;
        const double value = number_value(token);
        if (number_is_exact(token, value)) {
          emit(node, held_by, ValueKind::number, value, {});
        } else {
          emit(node, held_by, ValueKind::spelled_number, 0, token);
        }
        return true;
      }
    }
  }

  bool read_literal(std::uint32_t node, std::size_t held_by, bool tested, std::string_view word, ValueKind kind) {
    if (!scanner_.read_literal(word)) return false;
    if (tested) emit(node, held_by, kind, 0, {});
    return true;
  }

  bool read_object(std::uint32_t node, std::size_t depth) {
    scanner_.consume('{');
    if (scanner_.consume('}')) return true;
    do {
      std::string_view key;
      if (!scanner_.read_string(key, scratch_) || !scanner_.consume(':')) return false;
      const std::uint32_t child = tree_.child(node, key);
      const bool ok = child == FieldTree::kNone ? scanner_.skip_value() : read_value(child, depth + 1, open_.size());
      if (!ok) return false;
    } while (scanner_.consume(','));
    return scanner_.consume('}');
  }

  bool read_array(std::uint32_t node, std::size_t depth, std::size_t held_by) {
    scanner_.consume('[');
    if (scanner_.consume(']')) return true;
    open_array();
    do {
      if (!read_value(node, depth + 1, held_by)) return false;
      ++open_.back().index;
    } while (scanner_.consume(','));
    open_.pop_back();
    return scanner_.consume(']');
  }

  // Decoded strings never grow, so with room for the whole text reserved up front the
  // views into `decoded` stay valid while more are appended.
  std::string_view keep_decoded(std::string_view s) {
    std::string& decoded = out_.decoded;
    if (decoded.capacity() < text_size_) decoded.reserve(text_size_);
    const std::size_t at = decoded.size();
    decoded.append(s);
    return std::string_view(decoded).substr(at, s.size());
  }

  JsonScanner scanner_;
  std::size_t text_size_;
  std::string scratch_;
};

class ValueReader : FieldCollector {
 public:
  using FieldCollector::FieldCollector;

 private:
  // An integer beyond 2^53 may have no double of its own: then it is matched by its digits.
  template <class Integer>
  void emit_integer(std::uint32_t node, std::size_t held_by, Integer i) {
    if (number_is_exact(i)) {
      emit(node, held_by, ValueKind::number, static_cast<double>(i), {});
    } else {
      emit(node, held_by, ValueKind::spelled_number, 0, out_.spellings.emplace_back(std::to_string(i)));
    }
  }

  // A number too large for a double was parsed as infinity: no number compares with it.
  void emit_double(std::uint32_t node, std::size_t held_by, double d) {
    if (std::isfinite(d)) {
      emit(node, held_by, ValueKind::number, d, {});
    } else {
      emit(node, held_by, ValueKind::spelled_number, 0, out_.spellings.emplace_back(d > 0 ? "inf" : "-inf"));
    }
  }

 public:
  void read(const boost::json::value& event) { read_value(event, FieldTree::kRoot, 0, 0); }

 private:
  void read_value(const boost::json::value& value, std::uint32_t node, std::size_t depth, std::size_t held_by) {
    if (depth > kMaxEventDepth) return;
    if (const auto* object = value.if_object()) {
      const std::size_t inside = open_.size();
      for (const auto& member : *object) {
        const std::uint32_t child = tree_.child(node, member.key());
        if (child != FieldTree::kNone) read_value(member.value(), child, depth + 1, inside);
      }
      return;
    }
    if (const auto* array = value.if_array()) {
      if (array->empty()) return;
      open_array();
      for (const auto& element : *array) {
        read_value(element, node, depth + 1, held_by);
        ++open_.back().index;
      }
      open_.pop_back();
      return;
    }
    if (tree_.field(node) == FieldTree::kNone) return;
    switch (value.kind()) {
      case boost::json::kind::string: emit(node, held_by, ValueKind::string, 0, value.get_string()); break;
      case boost::json::kind::int64: emit_integer(node, held_by, value.get_int64()); break;
      case boost::json::kind::uint64: emit_integer(node, held_by, value.get_uint64()); break;
      case boost::json::kind::double_: emit_double(node, held_by, value.get_double()); break;
      case boost::json::kind::bool_: emit(node, held_by, value.get_bool() ? ValueKind::true_value : ValueKind::false_value, 0, {}); break;
      default: emit(node, held_by, ValueKind::null, 0, {}); break;
    }
  }
};

}  // namespace

bool read_event(std::string_view json_text, const FieldTree& tree, EventFields& out) {
  return TextReader(json_text, tree, out).read();
}

void read_event(const boost::json::value& event, const FieldTree& tree, EventFields& out) {
  ValueReader(tree, out).read(event);
}

}  // namespace relay::pattern
