// FormatDiagnostic and Printable. See diagnostic.h.
#include "models/spec/diagnostic.h"

namespace shardsim {

std::string Printable(std::string_view s) {
  std::string out;
  size_t i = 0;
  auto hex = [&out](unsigned char c) {
    constexpr std::string_view kDigits = "0123456789ABCDEF";
    out += "\\x";
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  };
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool valid = len > 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    }
    if (!valid || (len == 1 && c < 0x20)) {
      hex(c);
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string FormatDiagnostic(std::string_view file, const Diagnostic& d) {
  std::string out(file);
  if (d.line > 0) {
    out.append(":").append(std::to_string(d.line)).append(":").append(std::to_string(d.column));
  } else if (!d.pointer.empty()) {
    out.append(": ").append(Printable(d.pointer));
  }
  out.append(": ").append(d.message);
  return out;
}

}  // namespace shardsim
