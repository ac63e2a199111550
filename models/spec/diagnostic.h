// Diagnostic: the one shape of an input problem (a scenario, a price file, an override, a data
// file): the JSON pointer of the offending value and the rule it breaks. Plain value type.
#pragma once

#include <string>
#include <string_view>

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

}  // namespace shardsim
