// Diagnostic: the one shape of an input problem (a scenario, a price file, an override, a data
// file): the JSON pointer of the offending value and the rule it breaks. Also the pieces every
// producer of diagnostics shares: quoting input in messages, "did you mean", JSON pointer tokens,
// and a set of pointers that answers "was there a problem at, above or below this value?".
// Plain value types and pure functions; thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace shardsim {

struct Diagnostic {
  std::string pointer;  // RFC 6901 JSON pointer ("" = the whole document)
  std::string message;
  int line = 0;  // 1-based line and column (bytes); set only for malformed JSON
  int column = 0;
};

// `s` with invalid UTF-8 bytes and control characters written as \xHH, so that a message quoting
// input can always be printed.
std::string Printable(std::string_view s);

// "FILE: POINTER: message", "FILE:LINE:COL: message" (malformed JSON) or "FILE: message"
// (problems with the file itself).
std::string FormatDiagnostic(std::string_view file, const Diagnostic& d);

// ---------------------------------------------------------------- message text

// A string in double quotes for messages: at most 60 bytes (cut at a character boundary, then
// "..."), quotes and backslashes escaped, control characters as "?".
std::string Quote(std::string_view s);

// "\"a\", \"b\" or \"c\"".
std::string QuotedList(const std::vector<std::string>& names);

// A number as a message shows it: integers without a fraction ("3"), others in the shortest form
// that reads back exactly ("0.25").
std::string ShortNumber(double v);

// The candidate closest to `name` (ignoring case and "-" vs "_"), if close enough to be a typo:
// an edit distance (with adjacent transpositions) of at most 1 for names of up to 4 characters,
// else at most 2. For "did you mean" hints.
std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string>& candidates);

// Unicode characters (code points) in valid UTF-8, as length rules count them.
int64_t CountChars(std::string_view s);

// ---------------------------------------------------------------- JSON pointers

// `token` escaped for a JSON pointer ("~" -> "~0", "/" -> "~1").
std::string PointerToken(std::string_view token);

// A set of JSON pointers. Touches(p) is true if one of them is p, an ancestor of p (a problem
// with the object holding p) or a descendant of p (a problem inside p's value).
class PointerSet {
 public:
  void Insert(std::string pointer) { pointers_.insert(std::move(pointer)); }
  bool Touches(std::string_view pointer) const;
  bool empty() const { return pointers_.empty(); }

 private:
  std::set<std::string, std::less<>> pointers_;
};

}  // namespace shardsim
