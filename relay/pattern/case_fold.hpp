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
void fold_case(std::string_view utf8, std::string& out);

}  // namespace relay::pattern
