// RunResult -> result.json, driven by the field tables (models/result/result_fields.h).
// ordered_json keeps insertion order and insertion follows the tables, so the key order is part
// of the code, not of a hash or sort. Pure, thread-safe.
#include "reports/result_json.h"

#include <cmath>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "models/result/result_fields.h"
#include "reports/csv_writer.h"
#include "reports/type_traits.h"

namespace shardsim {
namespace {

using Json = nlohmann::ordered_json;

Json Number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v == 0 ? 0.0 : v;  // -0 -> 0
}

std::string Decimal(Uint128 v) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return digits;
}

template <class T>
Json ToJson(const T& m);

// The writing visitor of the field tables: each member becomes a key of `out`, in table order.
class Writer {
 public:
  explicit Writer(Json* out) : out_(out) {}

  template <class T>
  void Field(std::string_view name, const T& member) {
    (*out_)[std::string(name)] = ToJson(member);
  }
  template <class T>
  void Optional(std::string_view name, const T& member, bool present) {
    if (present) Field(name, member);
  }
  template <class F>
  void Group(std::string_view name, F&& fields) {
    Json group = Json::object();
    Writer w(&group);
    fields(w);
    (*out_)[std::string(name)] = std::move(group);
  }
  template <class F>
  void OptionalGroup(std::string_view name, bool present, F&& fields) {
    if (present) Group(name, std::forward<F>(fields));
  }

 private:
  Json* out_;
};

template <class T>
Json ToJson(const T& m) {
  if constexpr (std::is_same_v<T, double>) {
    return Number(m);
  } else if constexpr (std::is_same_v<T, Uint128>) {
    return Decimal(m);
  } else if constexpr (std::is_enum_v<T>) {
    return ResultEnum<T>::Name(m);
  } else if constexpr (ResultStruct<T>) {
    Json j = Json::object();
    Writer w(&j);
    Fields(w, m);
    return j;
  } else if constexpr (kIsOptional<T>) {
    return ToJson(*m);
  } else if constexpr (std::is_same_v<T, HistogramBucket>) {
    return Json::array({m.lower, m.count});
  } else if constexpr (std::is_same_v<T, std::vector<SeriesTable>>) {
    Json a = Json::array();
    for (const SeriesTable& t : m) a.push_back(SeriesPath(t));
    return a;
  } else if constexpr (kIsVector<T>) {
    Json a = Json::array();
    for (const auto& item : m) a.push_back(ToJson(item));
    return a;
  } else {
    static_assert(std::is_same_v<T, bool> || std::is_same_v<T, std::string> ||
                  std::is_integral_v<T>);
    return m;
  }
}

std::string_view Indent(std::string_view line) {
  return line.substr(0, line.find_first_not_of(' '));
}

// nlohmann's dump puts every array element on a line of its own; a histogram's [lower, count]
// pairs read better, and take a third of the bytes, on one line each. Rewrites
//   <ind>  [\n<ind>    12,\n<ind>    3\n<ind>  ],   as   <ind>  [12, 3],
// inside each "buckets" array (whose elements are such pairs only).
std::string OneLinePerBucket(const std::string& text) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    lines.push_back(std::string_view(text).substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  constexpr std::string_view kOpen = "\"buckets\": [";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    out += '\n';
    if (!lines[i].ends_with(kOpen)) continue;
    const std::string item_indent = std::string(Indent(lines[i])) + "  ";
    // Each pair: "[", lower + ",", count, "]" or "],".
    while (i + 4 < lines.size() && lines[i + 1] == item_indent + "[" &&
           lines[i + 4].starts_with(item_indent + "]")) {
      const auto value = [&](size_t k) {
        std::string_view v = lines[k].substr(Indent(lines[k]).size());
        if (v.ends_with(',')) v.remove_suffix(1);
        return v;
      };
      const std::string_view close = lines[i + 4].substr(item_indent.size());
      out += item_indent + "[" + std::string(value(i + 2)) + ", " + std::string(value(i + 3)) +
             std::string(close) + "\n";
      i += 4;
    }
  }
  if (!text.ends_with('\n')) out.pop_back();
  return out;
}

}  // namespace

nlohmann::ordered_json ResultToJson(const RunResult& r) { return ToJson(r); }

std::string ResultJsonText(const RunResult& result) {
  return OneLinePerBucket(ResultToJson(result).dump(
             2, ' ', /*ensure_ascii=*/false, nlohmann::ordered_json::error_handler_t::replace)) +
         "\n";
}

}  // namespace shardsim
