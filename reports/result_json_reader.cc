// result.json -> RunResult through the field tables (models/result/result_fields.h): a visitor that
// finds each member the table names, checks its JSON type and range, and reports anything else in
// the object as unknown. Pure, thread-safe.
#include "reports/result_json_reader.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <type_traits>
#include <utility>

#include "models/result/result_fields.h"
#include "reports/csv_writer.h"
#include "reports/type_traits.h"

namespace shardsim {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxErrors = 50;
constexpr size_t kMaxDepth = 64;  // result.json nests 7 levels deep

std::string PointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
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

class Errors {
 public:
  explicit Errors(std::vector<Diagnostic>* out) : out_(out) {}
  void Add(std::string pointer, std::string message) {
    ++count_;
    if (out_->size() < kMaxErrors) out_->push_back({std::move(pointer), std::move(message), 0, 0});
  }
  // Errors found so far, also those past the kMaxErrors reported.
  size_t count() const { return count_; }

 private:
  std::vector<Diagnostic>* out_;
  size_t count_ = 0;
};

// ---------------------------------------------------------------- parsing

// A problem the parse callback found; thrown to stop the parser.
struct ParseProblem {
  std::string pointer;
  std::string message;
};

// Parse callback: rejects duplicate keys (nlohmann keeps the last silently) and nesting deeper
// than kMaxDepth, naming the pointer of the offending value.
class ParseGuard {
 public:
  bool operator()(int /*depth*/, nlohmann::json::parse_event_t event, Json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start: {
        std::string pointer = ChildPointer();
        if (frames_.size() >= kMaxDepth) {
          throw ParseProblem{pointer, "nested more than " + std::to_string(kMaxDepth) +
                                          " levels deep; result.json nests 7"};
        }
        frames_.push_back({event == Event::object_start, std::move(pointer), 0, {}, {}});
        break;
      }
      case Event::object_end:
      case Event::array_end:
        frames_.pop_back();
        break;
      case Event::key: {
        Frame& f = frames_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) {
          throw ParseProblem{f.pointer + "/" + PointerToken(f.key),
                             "duplicate key: each key may appear only once"};
        }
        break;
      }
      case Event::value:
        if (!frames_.empty() && !frames_.back().object) ++frames_.back().next_index;
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool object;
    std::string pointer;
    size_t next_index;           // arrays: index of the next element
    std::set<std::string> keys;  // objects: keys seen
    std::string key;             // objects: the last key
  };

  std::string ChildPointer() {
    if (frames_.empty()) return "";
    Frame& f = frames_.back();
    if (f.object) return f.pointer + "/" + PointerToken(f.key);
    return f.pointer + "/" + std::to_string(f.next_index++);
  }

  std::vector<Frame> frames_;
};

// Line and column (1-based, bytes) of nlohmann's error position, which counts the bytes read with
// the offending byte included.
std::pair<int, int> LineColumn(std::string_view text, size_t position) {
  const size_t offset = std::min(text.size(), position == 0 ? 0 : position - 1);
  const size_t line_start = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
  const size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  return {line, static_cast<int>(column)};
}

std::optional<Json> Parse(std::string_view text, std::vector<Diagnostic>* errors) {
  ParseGuard guard;
  try {
    return Json::parse(text.begin(), text.end(),
                       [&guard](int depth, nlohmann::json::parse_event_t event, Json& parsed) {
                         return guard(depth, event, parsed);
                       });
  } catch (const ParseProblem& p) {
    errors->push_back({p.pointer, p.message, 0, 0});
  } catch (const Json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 2, column 8: syntax error
    // ..."; keep the part after the position, which is computed here from the byte offset.
    std::string message = e.what();
    const size_t bracket = message.find("] ");
    if (bracket != std::string::npos) message.erase(0, bracket + 2);
    if (message.rfind("parse error", 0) == 0) {
      const size_t colon = message.find(": ");
      if (colon != std::string::npos) message.erase(0, colon + 2);
    }
    const auto [line, column] = LineColumn(text, e.byte);
    errors->push_back({"", Printable(message), line, column});
  } catch (const Json::exception& e) {
    errors->push_back({"", "cannot parse the JSON: " + Printable(e.what()), 0, 0});
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- values

template <class T>
void Read(const Json& j, const std::string& pointer, T& m, Errors& errors);

// The reading visitor of the field tables over one JSON object.
class Reader {
 public:
  Reader(const Json& object, std::string pointer, Errors& errors)
      : object_(object), pointer_(std::move(pointer)), errors_(errors) {}

  template <class T>
  void Field(std::string_view name, T& member) {
    if (const Json* j = Find(name, /*required=*/true)) Read(*j, Child(name), member, errors_);
  }
  template <class T>
  void Optional(std::string_view name, T& member, bool /*present*/) {
    if (const Json* j = Find(name, /*required=*/false)) Read(*j, Child(name), member, errors_);
  }
  template <class F>
  void Group(std::string_view name, F&& fields) {
    ReadGroup(Find(name, /*required=*/true), name, fields);
  }
  template <class F>
  void OptionalGroup(std::string_view name, bool /*present*/, F&& fields) {
    ReadGroup(Find(name, /*required=*/false), name, fields);
  }

  // Reports the members no Field named.
  void Finish() {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (!known_.contains(it.key())) {
        errors_.Add(Child(it.key()), "unknown member: result.json schema_version " +
                                         std::to_string(kResultSchemaVersion) +
                                         " has no such field");
      }
    }
  }

 private:
  std::string Child(std::string_view name) const { return pointer_ + "/" + PointerToken(name); }

  const Json* Find(std::string_view name, bool required) {
    known_.insert(std::string(name));
    const auto it = object_.find(std::string(name));
    if (it != object_.end()) return &*it;
    if (required) errors_.Add(Child(name), "missing: this member is required");
    return nullptr;
  }

  template <class F>
  void ReadGroup(const Json* j, std::string_view name, F& fields) {
    if (j == nullptr) return;
    if (!j->is_object()) {
      errors_.Add(Child(name), "must be an object");
      return;
    }
    Reader group(*j, Child(name), errors_);
    fields(group);
    group.Finish();
  }

  const Json& object_;
  std::string pointer_;
  Errors& errors_;
  std::set<std::string, std::less<>> known_;
};

std::optional<Uint128> ParseDecimal128(const std::string& s) {
  if (s.empty() || s.size() > 39 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  Uint128 v = 0;
  const Uint128 max = ~Uint128{0};
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const unsigned digit = static_cast<unsigned>(c - '0');
    if (v > (max - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
}

// n of "shardId-n" (12 or more digits as ShardIdString writes them), or nullopt.
std::optional<int> ShardIndex(const std::string& shard_id) {
  constexpr std::string_view kPrefix = "shardId-";
  if (!shard_id.starts_with(kPrefix) || shard_id.size() == kPrefix.size()) return std::nullopt;
  int64_t n = 0;
  for (size_t i = kPrefix.size(); i < shard_id.size(); ++i) {
    const char c = shard_id[i];
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
    if (n > INT_MAX) return std::nullopt;
  }
  return static_cast<int>(n);
}

template <class T>
void ReadInteger(const Json& j, const std::string& pointer, T& m, Errors& errors) {
  constexpr bool kUnsigned = std::is_unsigned_v<T>;
  if (j.is_number_unsigned()) {
    const uint64_t v = j.get<uint64_t>();
    if (std::in_range<T>(v)) {
      m = static_cast<T>(v);
      return;
    }
  } else if (j.is_number_integer()) {  // negative
    const int64_t v = j.get<int64_t>();
    if (std::in_range<T>(v)) {
      m = static_cast<T>(v);
      return;
    }
  }
  if constexpr (kUnsigned) {
    errors.Add(pointer, "must be an integer in [0, 2^64)");
  } else if constexpr (sizeof(T) == sizeof(int64_t)) {
    errors.Add(pointer, "must be an integer in [-2^63, 2^63)");
  } else {
    errors.Add(pointer, "must be an integer in [-2^31, 2^31)");
  }
}

template <class T>
void Read(const Json& j, const std::string& pointer, T& m, Errors& errors) {
  if constexpr (std::is_same_v<T, double>) {
    if (j.is_null()) {
      m = std::numeric_limits<double>::quiet_NaN();  // the writer's spelling of non-finite
    } else if (j.is_number()) {
      m = j.get<double>();
    } else {
      errors.Add(pointer, "must be a number, or null for an undefined value");
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    if (j.is_boolean()) {
      m = j.get<bool>();
    } else {
      errors.Add(pointer, "must be true or false");
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (j.is_string()) {
      m = j.get<std::string>();
    } else {
      errors.Add(pointer, "must be a string");
    }
  } else if constexpr (std::is_integral_v<T>) {
    ReadInteger(j, pointer, m, errors);
  } else if constexpr (std::is_same_v<T, Uint128>) {
    const std::optional<Uint128> v =
        j.is_string() ? ParseDecimal128(j.get<std::string>()) : std::nullopt;
    if (v) {
      m = *v;
    } else {
      errors.Add(pointer, "must be a string of decimal digits without leading zeros, below 2^128");
    }
  } else if constexpr (std::is_enum_v<T>) {
    std::string names;
    for (int i = 0; i < ResultEnum<T>::kCount; ++i) {
      const std::string_view name = ResultEnum<T>::Name(static_cast<T>(i));
      if (j.is_string() && j.get_ref<const std::string&>() == name) {
        m = static_cast<T>(i);
        return;
      }
      names += (i == 0 ? "" : ", ") + std::string(name);
    }
    errors.Add(pointer, "must be one of: " + names);
  } else if constexpr (ResultStruct<T>) {
    if (!j.is_object()) {
      errors.Add(pointer, "must be an object");
      return;
    }
    const size_t errors_before = errors.count();
    Reader reader(j, pointer, errors);
    Fields(reader, m);
    reader.Finish();
    if (errors.count() != errors_before) return;  // the checks below need well-typed members
    if constexpr (std::is_same_v<T, ShardResult>) {
      if (const std::optional<int> index = ShardIndex(m.shard_id)) {
        m.index = *index;
      } else {
        errors.Add(pointer + "/shard_id", "must be shardId-<index>, as Kinesis names shards");
      }
    }
    if constexpr (std::is_same_v<T, SparseHistogram>) {
      if (const std::optional<HistogramIssue> issue = HistogramProblem(m)) {
        errors.Add(pointer + issue->member, issue->rule);
      }
    }
  } else if constexpr (kIsOptional<T>) {
    Read(j, pointer, m.emplace(), errors);
  } else if constexpr (std::is_same_v<T, HistogramBucket>) {
    if (!j.is_array() || j.size() != 2) {
      errors.Add(pointer, "must be a pair [lower edge, count]");
      return;
    }
    ReadInteger(j[0], pointer + "/0", m.lower, errors);
    ReadInteger(j[1], pointer + "/1", m.count, errors);
  } else if constexpr (std::is_same_v<T, std::vector<SeriesTable>>) {
    if (!j.is_array()) {
      errors.Add(pointer, "must be an array");
      return;
    }
    m.assign(j.size(), SeriesTable{});
    for (size_t i = 0; i < j.size(); ++i) {
      const std::string at = pointer + "/" + std::to_string(i);
      const Json& path = j[i];
      constexpr std::string_view kDir = "series/", kExt = ".csv";
      if (!path.is_string()) {
        errors.Add(at, "must be a string");
        continue;
      }
      const std::string& p = path.get_ref<const std::string&>();
      if (p.size() > kDir.size() + kExt.size() && p.starts_with(kDir) && p.ends_with(kExt)) {
        m[i].name = p.substr(kDir.size(), p.size() - kDir.size() - kExt.size());
      }
      if (m[i].name.empty() || SeriesPath(m[i]) != p) {
        errors.Add(at,
                   "must be series/<name>.csv, the name of [A-Za-z0-9._-] not starting with '.'");
      }
    }
  } else if constexpr (kIsVector<T>) {
    if (!j.is_array()) {
      errors.Add(pointer, "must be an array");
      return;
    }
    m.assign(j.size(), typename T::value_type{});
    for (size_t i = 0; i < j.size(); ++i)
      Read(j[i], pointer + "/" + std::to_string(i), m[i], errors);
  } else {
    static_assert(!sizeof(T), "a member type the result tables do not know");
  }
}

}  // namespace

ResultRead ReadResultJson(std::string_view text) {
  ResultRead out;
  const std::optional<Json> j = Parse(text, &out.errors);
  if (!j) return out;
  Errors errors(&out.errors);
  // An unknown version is the one error worth reporting: its fields may mean other things.
  if (j->is_object() && j->contains("schema_version")) {
    const Json& v = (*j)["schema_version"];
    if (!v.is_number_integer() || v.get<int64_t>() != kResultSchemaVersion) {
      errors.Add("/schema_version", "this build reads schema_version " +
                                        std::to_string(kResultSchemaVersion) + " only, found " +
                                        Printable(v.dump()));
      return out;
    }
  }
  RunResult result;
  Read(*j, "", result, errors);
  if (out.errors.empty()) out.result = std::move(result);
  return out;
}

ResultRead ReadResultFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    ResultRead out;
    out.errors.push_back({"", "cannot read the file", 0, 0});
    return out;
  }
  return ReadResultJson(text.view());
}

}  // namespace shardsim
