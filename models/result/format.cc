// Rounded prose forms of numbers. See format.h.
#include "models/result/format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <string_view>
#include <system_error>

namespace shardsim {
namespace {

// std::to_chars with a precision formats as printf does in the "C" locale ([charconv.to.chars]).
// The buffer holds any double in fixed notation: 309 digits, a sign, a point and 100 decimals.
std::string ToChars(double v, std::chars_format format, int precision) {
  char buf[512];
  const std::to_chars_result r =
      std::to_chars(buf, buf + sizeof(buf), v, format, std::clamp(precision, 0, 100));
  if (r.ec != std::errc()) return "?";  // unreachable with the clamp above
  return std::string(buf, r.ptr);
}

}  // namespace

std::string Fixed(double v, int decimals) {
  std::string s = ToChars(v, std::chars_format::fixed, decimals);
  if (s[0] == '-' && s.find_first_not_of("0.", 1) == std::string::npos) s.erase(0, 1);
  return s;
}

std::string SignedFixed(double v, int decimals) {
  return ToChars(v, std::chars_format::fixed, decimals);
}

std::string SignificantDigits(double v, int digits) {
  return ToChars(v, std::chars_format::general, digits);
}

std::string Grouped(uint64_t n) {
  char digits[24];
  const std::to_chars_result r = std::to_chars(digits, digits + sizeof(digits), n);
  const std::string_view d(digits, static_cast<size_t>(r.ptr - digits));
  std::string out;
  out.reserve(d.size() + d.size() / 3);
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(d[i]);
  }
  return out;
}

std::string Count(double v) {
  if (!std::isfinite(v)) return "-";
  if (v >= 0 && v < 9007199254740992.0 && v == std::floor(v)) {
    return Grouped(static_cast<uint64_t>(v));
  }
  return Fixed(v, 1);
}

std::string PercentWhole(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  if (fraction > 0 && fraction < 0.005) return "<1%";
  return Fixed(fraction * 100, 0) + "%";
}

std::string PercentOneDecimal(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return Fixed(fraction * 100, 1) + "%";
}

std::string PercentTwoDecimals(double fraction) { return Fixed(fraction * 100, 2) + "%"; }

std::string SharePercent(double fraction) {
  const double pct = fraction * 100.0;
  return (pct > 0 && pct < 0.1 ? SignificantDigits(pct, 2) : Fixed(pct, 1)) + "%";
}

std::string Millis(double ms) {
  if (!std::isfinite(ms)) return "-";
  if (ms >= 10'000) return Fixed(ms / 1000, ms >= 100'000 ? 0 : 1) + "s";
  if (ms >= 100) return Fixed(ms, 0) + "ms";
  if (ms >= 10) return Fixed(ms, 1) + "ms";
  if (ms >= 1) return Fixed(ms, 2) + "ms";
  return Fixed(ms, 3) + "ms";
}

std::string MillisWhole(double ms) {
  return ms >= 10'000 ? Fixed(ms / 1000, 1) + "s" : Fixed(ms, 0) + "ms";
}

std::string SecondsFromMillis(double ms) { return Fixed(ms / 1000, ms >= 10'000 ? 0 : 2) + "s"; }

std::string ApproxBytes(double bytes) {
  if (!std::isfinite(bytes)) return "-";
  constexpr std::string_view kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t u = 0;
  while (std::fabs(bytes) >= 1024 && u + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++u;
  }
  const int decimals = u == 0 || std::fabs(bytes) >= 100 ? 0 : std::fabs(bytes) >= 10 ? 1 : 2;
  return Fixed(bytes, decimals) + std::string(kUnits[u]);
}

std::string ApproxByteRate(double bytes_per_s) {
  constexpr std::string_view kUnits[] = {"B/s", "KiB/s", "MiB/s", "GiB/s"};
  size_t u = 0;
  while (bytes_per_s >= 1024 && u + 1 < std::size(kUnits)) {
    bytes_per_s /= 1024;
    ++u;
  }
  return Fixed(bytes_per_s, bytes_per_s >= 100 || u == 0 ? 0 : 1) + std::string(kUnits[u]);
}

// ---------------------------------------------------------------- money

std::string Usd(double amount) {
  if (!std::isfinite(amount)) return "-";
  const bool negative = amount < 0;
  const double a = std::fabs(amount);
  if (a > 0 && a < 0.005) return negative ? "-<$0.01" : "<$0.01";
  const double cents = std::round(a * 100);
  const uint64_t dollars = static_cast<uint64_t>(cents / 100);
  const int rest = static_cast<int>(cents - static_cast<double>(dollars) * 100);
  std::string s = (negative && cents > 0 ? "-$" : "$") + Grouped(dollars) + ".";
  s += static_cast<char>('0' + rest / 10);
  s += static_cast<char>('0' + rest % 10);
  return s;
}

}  // namespace shardsim
