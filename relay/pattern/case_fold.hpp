#pragma once
// Case folding for equals-ignore-case and its prefix/suffix forms.
//
// Folds ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals to lower case; other
// code points are kept as they are. Every mapping keeps the UTF-8 length of the character,
// so a folded prefix or suffix still lines up with the folded value.
#include <string>
#include <string_view>

namespace relay::pattern {

std::string fold_case(std::string_view utf8);

// True when fold_case would return the text unchanged (no allocation needed).
bool is_folded(std::string_view utf8);

}  // namespace relay::pattern
