// CSV reader for model input tables; see csv_reader.h for the accepted dialect.
// Pure functions, thread-safe.
#include "models/spec/csv_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <utility>

namespace shardsim {
namespace {

// Blanks and the \r of a CRLF line.
std::string_view TrimField(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits one line into trimmed fields. Returns an error message (empty on success).
std::string SplitLine(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  size_t i = 0;
  while (true) {
    std::string field;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (!closed) return "unterminated quoted field";
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      if (i < line.size() && line[i] != ',') return "unexpected text after a quoted field";
    } else {
      const size_t end = std::min(line.find(',', i), line.size());
      field = std::string(TrimField(line.substr(i, end - i)));
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) return "";
    ++i;  // the comma
  }
}

bool IsBlank(std::string_view line) { return TrimField(line).empty(); }

}  // namespace

std::string CsvError(const std::string& path, int64_t line, std::string_view message) {
  std::string out = path;
  out += ':';
  out += std::to_string(line);
  out += ": ";
  out += message;
  return out;
}

std::optional<double> ParseCsvNumber(std::string_view field) {
  double v = 0;
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, v);
  if (field.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> ParseCsvInteger(std::string_view field) {
  int64_t v = 0;
  const char* end = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(field.data(), end, v);
  if (field.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

Parsed<CsvTable> ReadCsvFile(const std::string& path, std::string_view example_header) {
  Parsed<CsvTable> out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.error = path + ": cannot open file";
    return out;
  }
  CsvTable table;
  table.path = path;
  std::string line;
  std::vector<std::string> fields;
  int64_t line_no = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view view(line);
    if (line_no == 1 && view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);
    if (IsBlank(view)) continue;
    if (std::string err = SplitLine(view, fields); !err.empty()) {
      out.error = CsvError(path, line_no, err);
      return out;
    }
    if (!have_header) {
      if (ParseCsvNumber(fields[0])) {
        out.error = CsvError(path, line_no,
                             "header row required (e.g. \"" + std::string(example_header) +
                                 "\"), got \"" + std::string(TrimField(view)) + "\"");
        return out;
      }
      for (std::string& f : fields) {
        std::transform(f.begin(), f.end(), f.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      }
      table.header = fields;
      table.header_line = line_no;
      have_header = true;
      continue;
    }
    if (fields.size() != table.header.size()) {
      out.error = CsvError(path, line_no,
                           "expected " + std::to_string(table.header.size()) +
                               " fields as in the header, got " + std::to_string(fields.size()));
      return out;
    }
    table.rows.push_back(CsvRow{line_no, fields});
  }
  if (in.bad()) {
    out.error = path + ": read error";
    return out;
  }
  if (!have_header) {
    out.error = path + ": empty file, expected a header row (e.g. \"" +
                std::string(example_header) + "\") and data rows";
    return out;
  }
  out.value = std::move(table);
  return out;
}

}  // namespace shardsim
