// Series CSV reader. See series_reader.h. Pure functions, thread-safe.
#include "reports/series_reader.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>
#include <utility>

#include "reports/csv_writer.h"

namespace shardsim {
namespace {

// One physical line without its line end; advances *pos past it. A quoted header field may hold
// a line break, so the header is split by SplitHeader instead.
std::string_view NextLine(std::string_view text, size_t* pos) {
  const size_t start = *pos;
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  *pos = end < text.size() ? end + 1 : end;
  std::string_view line = text.substr(start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// The header row: fields separated by commas, quoted fields with "" for a quote; may span lines
// inside quotes. Advances *pos past the row's line end. False on an unterminated quote or text
// after a closing quote.
bool SplitHeader(std::string_view text, size_t* pos, std::vector<std::string>* fields) {
  std::string field;
  size_t i = *pos;
  while (true) {
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) return false;
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') return false;
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        if (text[i] == '"') return false;
        field += text[i++];
      }
    }
    fields->push_back(std::move(field));
    field.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n') ++i;
    *pos = i;
    return true;
  }
}

}  // namespace

std::optional<SeriesTable> ParseSeriesCsv(std::string_view text, std::string name,
                                          std::string* error) {
  SeriesTable table;
  table.name = std::move(name);
  size_t pos = 0;
  if (text.empty() || !SplitHeader(text, &pos, &table.columns) || table.columns.empty()) {
    *error = "line 1: expected a header row of column names";
    return std::nullopt;
  }
  const size_t width = table.columns.size();
  int line_no = 1;
  while (pos < text.size()) {
    ++line_no;
    const std::string_view line = NextLine(text, &pos);
    std::vector<double> row;
    row.reserve(width);
    size_t start = 0;
    while (true) {
      size_t end = line.find(',', start);
      if (end == std::string_view::npos) end = line.size();
      const std::string_view field = line.substr(start, end - start);
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!field.empty()) {
        const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
        if (ec != std::errc() || ptr != field.data() + field.size()) {
          const std::string& column = table.columns[std::min(row.size(), width - 1)];
          *error = "line " + std::to_string(line_no) + ": column " +
                   std::to_string(row.size() + 1) + " (" + Printable(column) +
                   "): expected a number or an empty field, got \"" + Printable(field) + "\"";
          return std::nullopt;
        }
      }
      row.push_back(v);
      if (end == line.size()) break;
      start = end + 1;
    }
    if (row.size() != width) {
      *error = "line " + std::to_string(line_no) + ": " + std::to_string(row.size()) +
               " fields, the header has " + std::to_string(width);
      return std::nullopt;
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<Diagnostic> LoadSeries(
    RunResult* result,
    const std::function<std::optional<std::string>(const std::string& path)>& read) {
  std::vector<Diagnostic> errors;
  for (size_t i = 0; i < result->series.size(); ++i) {
    SeriesTable& t = result->series[i];
    const std::string path = SeriesPath(t);
    const std::string pointer = "/series_files/" + std::to_string(i);
    const std::optional<std::string> text = read(path);
    if (!text) {
      errors.push_back({pointer, path + ": cannot read the file", 0, 0});
      continue;
    }
    std::string error;
    std::optional<SeriesTable> parsed = ParseSeriesCsv(*text, t.name, &error);
    if (!parsed) {
      errors.push_back({pointer, path + ": " + error, 0, 0});
      continue;
    }
    if (parsed->columns.empty() || parsed->columns[0] != "time_s") {
      errors.push_back({pointer, path + ": line 1: the first column must be time_s", 0, 0});
      continue;
    }
    t = std::move(*parsed);
  }
  return errors;
}

std::vector<Diagnostic> ReadSeriesFiles(const std::string& dir, RunResult* result) {
  return LoadSeries(result, [&dir](const std::string& path) -> std::optional<std::string> {
    std::ifstream in(dir + "/" + path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return std::move(text).str();
  });
}

}  // namespace shardsim
