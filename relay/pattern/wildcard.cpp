#include "relay/pattern/wildcard.hpp"

namespace relay::pattern {

std::optional<std::string> parse_glob(std::string_view text, std::size_t max_stars, Glob& out) {
  out.pieces.assign(1, std::string{});
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '*') {
      if (i + 1 < text.size() && text[i + 1] == '*') return "consecutive \"*\" are not allowed";
      if (out.pieces.size() > max_stars) {
        return "more than " + std::to_string(max_stars) + " \"*\" in one wildcard";
      }
      out.pieces.emplace_back();
    } else if (c == '\\') {
      if (i + 1 == text.size()) return "unfinished escape at the end";
      const char next = text[++i];
      if (next != '*' && next != '\\') return std::string("bad escape \"\\") + next + "\"";
      out.pieces.back() += next;
    } else {
      out.pieces.back() += c;
    }
  }
  return std::nullopt;
}

bool glob_matches(const Glob& glob, std::string_view value) {
  const auto& pieces = glob.pieces;
  const std::string& first = pieces.front();
  if (pieces.size() == 1) return value == first;
  const std::string& last = pieces.back();
  if (value.size() < first.size() + last.size()) return false;
  if (!value.starts_with(first) || !value.ends_with(last)) return false;
  std::string_view middle = value.substr(first.size(), value.size() - first.size() - last.size());
  for (std::size_t i = 1; i + 1 < pieces.size(); ++i) {
    const auto at = middle.find(pieces[i]);
    if (at == std::string_view::npos) return false;
    middle.remove_prefix(at + pieces[i].size());
  }
  return true;
}

}  // namespace relay::pattern
