// CSV writer for SeriesTable. Numbers go through std::to_chars (shortest round-trip form, no
// locale), so output is byte-identical across runs and platforms with the same libstdc++.
// Pure functions, thread-safe.
#include "reports/csv_writer.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>

#include "sim/check.h"

namespace shardsim {
namespace {

void AppendNumber(double v, std::string* out) {
  if (!std::isfinite(v)) return;  // empty field: CSV has no NaN/inf spelling readers agree on
  if (v == 0) v = 0;              // -0 -> 0: "-0" would differ from "0" for no reason
  char buf[32];  // shortest double needs at most 24 chars ("-2.2250738585072014e-308")
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v);
  SHARDSIM_CHECK(r.ec == std::errc(), "32 chars hold any shortest double");
  out->append(buf, r.ptr);
}

void AppendField(std::string_view text, std::string* out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

std::string SeriesToCsv(const SeriesTable& table) {
  SHARDSIM_CHECK(!table.columns.empty(), "a series table needs at least one column");
  std::string out;
  out.reserve(16 * table.columns.size() * (table.rows.size() + 1));
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendField(table.columns[i], &out);
  }
  out.push_back('\n');
  for (const std::vector<double>& row : table.rows) {
    SHARDSIM_CHECK(row.size() == table.columns.size(), "every row has one value per column");
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendNumber(row[i], &out);
    }
    out.push_back('\n');
  }
  return out;
}

std::string SeriesPath(const SeriesTable& table) {
  std::string stem = table.name.empty() ? "_" : table.name;
  for (char& c : stem) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    if (!safe) c = '_';
  }
  if (stem[0] == '.') stem[0] = '_';  // no hidden files, no "." or ".." components
  return "series/" + stem + ".csv";
}

}  // namespace shardsim
