// FormatDiagnostic, Printable, message text helpers and PointerSet. See diagnostic.h.
#include "models/spec/diagnostic.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>

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

// ---------------------------------------------------------------- message text

std::string Quote(std::string_view s) {
  size_t shown = std::min<size_t>(s.size(), 60);
  while (shown < s.size() && shown > 0 && (static_cast<unsigned char>(s[shown]) & 0xC0) == 0x80) {
    --shown;  // do not split a UTF-8 sequence
  }
  std::string out = "\"";
  for (size_t i = 0; i < shown; ++i) {
    const char c = s[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (shown < s.size()) out += "...";
  return out + "\"";
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += Quote(names[i]);
  }
  return out;
}

std::string ShortNumber(double v) {
  if (v == std::trunc(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  if (res.ec != std::errc()) return std::to_string(v);
  return std::string(buf.data(), res.ptr);
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '-') c = '_';
  }
  return out;
}

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
int EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t k = 0; k <= b.size(); ++k) d[0][k] = static_cast<int>(k);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t k = 1; k <= b.size(); ++k) {
      const int cost = a[i - 1] == b[k - 1] ? 0 : 1;
      d[i][k] = std::min({d[i - 1][k] + 1, d[i][k - 1] + 1, d[i - 1][k - 1] + cost});
      if (i > 1 && k > 1 && a[i - 1] == b[k - 2] && a[i - 2] == b[k - 1]) {
        d[i][k] = std::min(d[i][k], d[i - 2][k - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string>& candidates) {
  constexpr size_t kMaxCompared = 64;
  if (name.size() > kMaxCompared) return std::nullopt;
  const std::string lowered = Lower(name);
  const int limit = lowered.size() <= 4 ? 1 : 2;
  std::optional<std::string> best;
  int best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const int d = EditDistance(lowered, Lower(c));
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

int64_t CountChars(std::string_view s) {
  int64_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------- JSON pointers

std::string PointerToken(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool PointerSet::Touches(std::string_view pointer) const {
  if (pointers_.empty()) return false;
  // The pointer itself and its ancestors: "", "/a", "/a/b", ... up to `pointer`.
  for (size_t end = 0;; ++end) {
    end = pointer.find('/', end);
    if (pointers_.count(pointer.substr(0, end)) > 0) return true;
    if (end == std::string_view::npos) break;
  }
  // Descendants: the first pointer at or after "pointer/" starts with it if any does.
  std::string below(pointer);
  below += '/';
  const auto it = pointers_.lower_bound(below);
  return it != pointers_.end() && std::string_view(*it).starts_with(below);
}

}  // namespace shardsim
