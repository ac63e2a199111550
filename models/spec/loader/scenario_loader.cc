// Scenario loader: a SAX pass builds the document (rejecting duplicate keys, reporting malformed
// JSON with line:column), then typed readers walk it. Each object is read through an
// ObjectReader bound to a type of the table below, which also names unknown and misplaced
// fields, so the table, the readers and scenarios/scenario.schema.json stay in step (a test
// compares them). Cross-field rules run last. No state outside a call; thread-safe.
#include "models/spec/loader/scenario_loader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <system_error>
#include <utility>

#include "models/spec/units.h"
#include "sim/check.h"

namespace shardsim {
namespace {

using Json = nlohmann::ordered_json;  // keeps document order, for errors in document order
using Ptr = const std::string&;

constexpr size_t kMaxErrors = 100;
constexpr size_t kMaxDepth = 64;
constexpr int64_t kMaxFileBytes = 16 * kMiB;
constexpr double kMaxRecordsPerSec = 1e8;
constexpr int64_t kMaxShards = 10'000;                  // per stream (fact sheet 3)
constexpr int64_t kPutRecordsMaxBytes = 5 * kMiB;       // request limit (fact sheet 1)
constexpr int64_t kFirehoseBatchMaxBytes = 4 * kMiB;    // PutRecordBatch (fact sheet 7)
constexpr int64_t kFirehoseMaxRecordBytes = 1'024'000;  // 1,000 KiB (fact sheet 7)
constexpr int64_t kLambdaMaxPayloadBytes = 6 * kMiB;    // synchronous invoke limit
constexpr int kMaxPartitionKeyChars = 256;              // fact sheet 1
constexpr std::string_view kMaxHashKey = "340282366920938463463374607431768211455";  // 2^128-1

constexpr SimDuration Days(int64_t d) { return Hours(24 * d); }

// ---------------------------------------------------------------- small text helpers

// A string in double quotes for messages: at most 60 bytes (cut at a character boundary),
// quotes and backslashes escaped, control characters as "?".
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

// A value as messages show it after "got": strings quoted, containers by kind.
std::string Describe(const Json& j) {
  switch (j.type()) {
    case Json::value_t::string:
      return Quote(j.get_ref<const std::string&>());
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::null:
      return "null";
    case Json::value_t::number_float:
      return ShortNumber(j.get<double>());
    default:
      return j.dump();
  }
}

// Replaces bytes that would garble a terminal (control characters, broken UTF-8) with \xNN.

std::string EscapePointerToken(std::string_view token) {
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

std::vector<std::string> SplitPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  pointer.remove_prefix(1);  // leading "/"
  while (true) {
    const size_t slash = pointer.find('/');
    std::string token;
    const std::string_view raw = pointer.substr(0, slash);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    pointer.remove_prefix(slash + 1);
  }
  return tokens;
}

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

// The candidate closest to `name` (ignoring case and "-" vs "_"), if close enough to be a typo:
// distance <= 1 for names of up to 4 characters, else <= 2.
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

// ---------------------------------------------------------------- diagnostics sink

struct Context {
  std::vector<Diagnostic> errors;
  std::vector<FeatureUse> features;
  std::string base_dir;
  size_t dropped_errors = 0;
  // The run's duration once read and valid; times that must fall inside the run check it.
  std::optional<SimDuration> run_duration;
  std::string region = "us-east-1";

  void Error(std::string pointer, std::string message) {
    if (errors.size() >= kMaxErrors) {
      ++dropped_errors;
      return;
    }
    errors.push_back({std::move(pointer), std::move(message), 0, 0});
  }
  void Feature(std::string pointer, std::string_view feature) {
    features.push_back({std::move(pointer), std::string(feature)});
  }
  size_t error_count() const { return errors.size() + dropped_errors; }
};

// Counts the errors reported while it lives: `ok()` is true if none were.
class ErrorScope {
 public:
  explicit ErrorScope(const Context& c) : c_(c), before_(c.error_count()) {}
  bool ok() const { return c_.error_count() == before_; }

 private:
  const Context& c_;
  size_t before_;
};

// ---------------------------------------------------------------- parsing the document

// Builds an ordered_json from SAX events like nlohmann's own DOM builder, and additionally
// rejects duplicate keys (the default parser keeps the last silently) and deep nesting.
class DocumentBuilder : public nlohmann::json_sax<Json> {
 public:
  DocumentBuilder(Json* root, Context* c) : root_(root), c_(c) {}

  bool null() override { return Put(Json(nullptr)); }
  bool boolean(bool v) override { return Put(Json(v)); }
  bool number_integer(number_integer_t v) override { return Put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Put(Json(v)); }
  bool number_float(number_float_t v, const string_t& /*text*/) override { return Put(Json(v)); }
  bool string(string_t& v) override { return Put(Json(std::move(v))); }
  bool binary(binary_t& /*v*/) override { return Put(Json(nullptr)); }  // not produced by text

  bool start_object(std::size_t /*elements*/) override { return Open(Json(Json::value_t::object)); }
  bool key(string_t& k) override {
    Frame& f = frames_.back();
    f.child_pointer = f.pointer + "/" + EscapePointerToken(k);
    if (!f.keys.insert(k).second) {
      c_->Error(f.child_pointer, "duplicate key " + Quote(k) + ": each key may appear only once");
      discarded_.emplace_back();  // the reader sees the first value
      f.slot = &discarded_.back();
    } else {
      f.slot = &(*f.value)[k];
    }
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*elements*/) override { return Open(Json(Json::value_t::array)); }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    error_position_ = position;
    // what() is "[json.exception.parse_error.101] parse error at line 2, column 8: syntax error
    // ..."; keep the part after the position, which we compute ourselves from the byte offset.
    std::string message = ex.what();
    const size_t bracket = message.find("] ");
    if (bracket != std::string::npos) message.erase(0, bracket + 2);
    if (message.rfind("parse error", 0) == 0) {
      const size_t colon = message.find(": ");
      if (colon != std::string::npos) message.erase(0, colon + 2);
    }
    error_message_ = Printable(message);
    return false;
  }

  std::optional<size_t> error_position() const { return error_position_; }
  const std::string& error_message() const { return error_message_; }

 private:
  struct Frame {
    Json* value;
    std::string pointer;
    std::set<std::string> keys;  // objects: keys seen
    std::string child_pointer;   // objects: pointer of the value after the last key
    Json* slot = nullptr;        // objects: where the value after the last key goes
  };

  // Stores a value at the current position; returns its address and pointer.
  std::pair<Json*, std::string> Place(Json&& v) {
    if (frames_.empty()) {
      *root_ = std::move(v);
      return {root_, ""};
    }
    Frame& f = frames_.back();
    if (f.value->is_array()) {
      std::string pointer = f.pointer + "/" + std::to_string(f.value->size());
      f.value->push_back(std::move(v));
      return {&f.value->back(), std::move(pointer)};
    }
    *f.slot = std::move(v);
    return {f.slot, f.child_pointer};
  }

  bool Put(Json&& v) {
    Place(std::move(v));
    return true;
  }

  bool Open(Json&& container) {
    auto [value, pointer] = Place(std::move(container));
    if (frames_.size() >= kMaxDepth) {
      c_->Error(pointer, "nested more than " + std::to_string(kMaxDepth) +
                             " levels deep; no scenario needs that");
      return false;
    }
    frames_.push_back({value, std::move(pointer), {}, "", nullptr});
    return true;
  }

  Json* root_;
  Context* c_;
  std::vector<Frame> frames_;
  std::deque<Json> discarded_;  // values of duplicate keys; a deque keeps their addresses
  std::optional<size_t> error_position_;
  std::string error_message_;
};

// Parses `text`; on malformed JSON returns nullopt with one line:column diagnostic.
std::optional<Json> ParseDocument(const std::string& text, Context* c) {
  Json root;
  DocumentBuilder builder(&root, c);
  const size_t errors_before = c->error_count();
  const bool ok = Json::sax_parse(text, &builder, nlohmann::detail::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (ok) return root;
  if (builder.error_position()) {
    // nlohmann's position counts the bytes read, the offending byte included.
    const size_t offset = std::min(text.size(), *builder.error_position() - 1);
    const size_t line_start = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
    Diagnostic d;
    d.message = builder.error_message();
    d.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
    d.column =
        static_cast<int>(offset - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
    c->errors.push_back(std::move(d));
  } else if (c->error_count() == errors_before) {
    c->Error("", "cannot parse the JSON");
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- the object types

// Each object type the loader reads, its discriminator and its fields with the variants they
// apply to. Mirrors "$defs" of scenarios/scenario.schema.json.
const std::map<std::string, ObjectTypeInfo>& Types() {
  using V = std::vector<std::string>;
  static const V kCountFormat = {"uniform", "zipf", "hot_key", "explicit_hash_key"};
  static const V kBatched = {"PutRecord", "PutRecords"};
  static const V kKpl = {"KPL"};
  static const V kReaders = {"polling", "kcl", "efo"};
  static const V kLambda = {"lambda"};
  static const V kFirehose = {"firehose"};
  static const V kKcl = {"kcl"};
  static const std::map<std::string, ObjectTypeInfo> kTypes = {
      {"scenario",
       {"",
        {{"$schema", {}},
         {"name", {}},
         {"description", {}},
         {"seed", {}},
         {"duration", {}},
         {"warmup", {}},
         {"series_interval", {}},
         {"region", {}},
         {"producers", {}},
         {"stream", {}},
         {"consumers", {}},
         {"slos", {}},
         {"pricing", {}},
         {"analysis", {}}}}},
      {"producer",
       {"",
        {{"name", {}},
         {"instances", {}},
         {"rate", {}},
         {"arrival", {}},
         {"record_size", {}},
         {"keys", {}},
         {"api", {}},
         {"retry", {}},
         {"target", {}}}}},
      {"arrival",
       {"process",
        {{"process", {}},
         {"peak_factor", {"diurnal"}},
         {"peak_hour", {"diurnal"}},
         {"start_hour", {"diurnal"}},
         {"period", {"diurnal"}},
         {"steps", {"steps"}},
         {"on", {"bursts"}},
         {"off", {"bursts"}},
         {"burst_rate", {"bursts"}},
         {"file", {"trace"}},
         {"resolution", {"trace"}},
         {"loop", {"trace"}}}}},
      {"rate_step", {"", {{"at", {}}, {"rate", {}}}}},
      {"size_distribution",
       {"dist",
        {{"dist", {}},
         {"size", {"fixed"}},
         {"min", {"uniform"}},
         {"max", {"uniform", "lognormal"}},
         {"median", {"lognormal"}},
         {"p99", {"lognormal"}},
         {"file", {"empirical"}}}}},
      {"keys",
       {"dist",
        {{"dist", {}},
         {"count", kCountFormat},
         {"format", kCountFormat},
         {"exponent", {"zipf"}},
         {"hot_share", {"hot_key"}},
         {"hot_key", {"hot_key"}},
         {"keys", {"weighted"}},
         {"hash_keys", {"explicit_hash_key"}}}}},
      {"weighted_key", {"", {{"key", {}}, {"weight", {}}}}},
      {"weighted_hash_key", {"", {{"hash_key", {}}, {"weight", {}}}}},
      {"api",
       {"type",
        {{"type", {}},
         {"max_batch_records", {"PutRecords"}},
         {"max_batch_bytes", {"PutRecords"}},
         {"linger", {"PutRecords"}},
         {"aggregation", kKpl},
         {"aggregation_max_size", kKpl},
         {"aggregation_max_count", kKpl},
         {"collection_max_count", kKpl},
         {"collection_max_size", kKpl},
         {"record_max_buffered_time", kKpl},
         {"rate_limit_percent", kKpl},
         {"record_ttl", kKpl},
         {"max_connections", kKpl},
         {"fail_if_throttled", kKpl},
         {"call_latency", {}},
         {"max_in_flight_calls", kBatched}}}},
      {"retry",
       {"",
        {{"max_attempts", {}},
         {"base_delay", {}},
         {"multiplier", {}},
         {"max_delay", {}},
         {"jitter", {}},
         {"record_ttl", {}},
         {"call_timeout", {}}}}},
      {"latency_distribution",
       {"dist",
        {{"dist", {}},
         {"value", {"fixed"}},
         {"min", {"uniform"}},
         {"max", {"uniform"}},
         {"mean", {"exponential"}},
         {"median", {"lognormal"}},
         {"p99", {"lognormal"}}}}},
      {"processing",
       {"distribution",
        {{"per_batch", {}},
         {"per_record", {}},
         {"per_mib", {}},
         {"distribution", {}},
         {"p99_factor", {"lognormal"}}}}},
      {"stream",
       {"mode",
        {{"name", {}},
         {"mode", {}},
         {"shards", {}},
         {"retention", {}},
         {"max_record_size", {}},
         {"write_limits", {}},
         {"read_limits", {}},
         {"propagation_delay", {}},
         {"max_efo_consumers", {}},
         {"resharding", {"provisioned"}},
         {"autoscaling", {"provisioned"}},
         {"on_demand", {"on_demand"}},
         {"enhanced_monitoring", {}}}}},
      {"write_limits",
       {"admission",
        {{"bytes_per_s", {}},
         {"records_per_s", {}},
         {"admission", {}},
         {"bucket_depth", {"token_bucket"}}}}},
      {"read_limits",
       {"",
        {{"get_records_per_s", {}},
         {"bytes_per_s", {}},
         {"max_records_per_call", {}},
         {"max_bytes_per_call", {}},
         {"penalty", {}}}}},
      {"resharding_event",
       {"action",
        {{"at", {}},
         {"action", {}},
         {"shard", {"split", "merge"}},
         {"new_starting_hash_key", {"split"}},
         {"adjacent_shard", {"merge"}},
         {"target_shards", {"update_shard_count"}},
         {"duration", {}}}}},
      {"autoscaling",
       {"",
        {{"enabled", {}},
         {"metric", {}},
         {"target_utilization", {}},
         {"period", {}},
         {"evaluation_periods", {}},
         {"cooldown", {}},
         {"min_shards", {}},
         {"max_shards", {}},
         {"action_delay", {}}}}},
      {"on_demand", {"", {{"split_threshold", {}}, {"split_delay", {}}}}},
      {"consumer",
       {"type",
        {{"name", {}},
         {"type", {}},
         {"starting_position", {"polling", "kcl", "efo", "lambda"}},
         {"processing", kReaders},
         {"outages", {"polling", "kcl", "efo", "lambda"}},
         {"poll_interval", {"polling"}},
         {"max_records", {"polling", "kcl"}},
         {"call_latency", {"polling", "kcl"}},
         {"workers", kKcl},
         {"max_leases_per_worker", kKcl},
         {"idle_time_between_reads", kKcl},
         {"checkpoint", kKcl},
         {"failover_time", kKcl},
         {"worker_failures", kKcl},
         {"propagation_delay", {"efo"}},
         {"subscription_lifetime", {"efo"}},
         {"source", {"lambda", "firehose"}},
         {"batch_size", kLambda},
         {"batching_window", kLambda},
         {"parallelization_factor", kLambda},
         {"function", kLambda},
         {"maximum_retry_attempts", kLambda},
         {"bisect_batch_on_function_error", kLambda},
         {"maximum_record_age", kLambda},
         {"report_batch_item_failures", kLambda},
         {"on_failure_destination", kLambda},
         {"tumbling_window", kLambda},
         {"buffering", kFirehose},
         {"transform", kFirehose},
         {"compression", kFirehose},
         {"dynamic_partitioning", kFirehose},
         {"format_conversion", kFirehose},
         {"destination", kFirehose},
         {"direct_put_limits", kFirehose}}}},
      {"starting_position", {"type", {{"type", {}}, {"timestamp", {"AT_TIMESTAMP"}}}}},
      {"outage", {"", {{"from", {}}, {"to", {}}}}},
      {"checkpoint", {"", {{"every_records", {}}, {"every", {}}}}},
      {"worker_failure", {"", {{"worker", {}}, {"at", {}}}}},
      {"lambda_function",
       {"",
        {{"duration", {}},
         {"memory_mb", {}},
         {"architecture", {}},
         {"concurrency_limit", {}},
         {"error_rate", {}},
         {"poison_records", {}}}}},
      {"poison_record", {"", {{"at", {}}, {"key", {}}}}},
      {"firehose_buffering", {"", {{"size", {}}, {"interval", {}}}}},
      {"firehose_transform",
       {"",
        {{"enabled", {}},
         {"buffer_size", {}},
         {"buffer_interval", {}},
         {"duration", {}},
         {"error_rate", {}},
         {"retries", {}}}}},
      {"compression",
       {"codec", {{"codec", {}}, {"ratio", {"gzip", "zip", "snappy", "hadoop_snappy"}}}}},
      {"dynamic_partitioning", {"", {{"enabled", {}}, {"partitions", {}}}}},
      {"format_conversion", {"", {{"enabled", {}}, {"output", {}}}}},
      {"destination",
       {"", {{"type", {}}, {"write_latency", {}}, {"error_rate", {}}, {"retry_duration", {}}}}},
      {"direct_put_limits",
       {"", {{"records_per_s", {}}, {"requests_per_s", {}}, {"bytes_per_s", {}}}}},
      {"slos",
       {"",
        {{"max_iterator_age", {}},
         {"p99_latency", {}},
         {"max_write_throttle_fraction", {}},
         {"max_monthly_cost_usd", {}},
         {"max_shard_utilization", {}}}}},
      {"pricing", {"", {{"file", {}}, {"overrides", {}}}}},
      {"analysis",
       {"", {{"hot_shard_threshold", {}}, {"stream_utilization_threshold", {}}, {"top_keys", {}}}}},
  };
  return kTypes;
}

// ---------------------------------------------------------------- value parsers

// A parser reads one JSON value at a pointer and returns the typed value or reports why not.
template <typename T>
using Parser = std::function<std::optional<T>(Context&, const Json&, Ptr)>;

std::optional<int64_t> GetInteger(Context& c, const Json& j, Ptr p) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      c.Error(p, "too large, got " + Describe(j));
      return std::nullopt;
    }
    return static_cast<int64_t>(v);
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number_float()) {
    // JSON Schema counts 4.0 as an integer; so do we.
    const double v = j.get<double>();
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.2e18) {
      return static_cast<int64_t>(v);
    }
  }
  c.Error(p, "expected an integer, got " + Describe(j));
  return std::nullopt;
}

// A closed or open interval for range checks and their messages.
template <typename T>
struct Range {
  std::optional<T> lo, hi;
  bool lo_open = false;
  bool hi_open = false;
  std::string why = {};  // appended to the message, e.g. "the PutRecords request limit"

  bool Contains(const T& v) const {
    if (lo && (lo_open ? !(v > *lo) : v < *lo)) return false;
    if (hi && (hi_open ? !(v < *hi) : v > *hi)) return false;
    return true;
  }
};

template <typename T, typename F>
std::string RangeText(const Range<T>& r, F format) {
  std::string text;
  if (r.lo && r.hi && !r.lo_open && !r.hi_open) {
    text = "between " + format(*r.lo) + " and " + format(*r.hi);
  } else {
    if (r.lo) text = (r.lo_open ? "greater than " : "at least ") + format(*r.lo);
    if (r.lo && r.hi) text += " and ";
    if (r.hi) text += (r.hi_open ? "less than " : "at most ") + format(*r.hi);
  }
  if (!r.why.empty()) text += " (" + r.why + ")";
  return text;
}

template <typename T, typename F>
bool CheckRange(Context& c, const Json& j, Ptr p, const T& v, const Range<T>& r, F format) {
  if (r.Contains(v)) return true;
  c.Error(p, "must be " + RangeText(r, format) + ", got " + Describe(j));
  return false;
}

std::string FormatInt(int64_t v) { return std::to_string(v); }

Parser<int64_t> Int(Range<int64_t> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    auto v = GetInteger(c, j, p);
    if (!v || !CheckRange(c, j, p, *v, r, FormatInt)) return std::nullopt;
    return v;
  };
}
Parser<int64_t> Int(int64_t lo, int64_t hi, std::string why = "") {
  return Int(Range<int64_t>{lo, hi, false, false, std::move(why)});
}

Parser<uint64_t> Uint64() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<uint64_t> {
    if (j.is_number_unsigned()) return j.get<uint64_t>();
    if (j.is_number_integer()) {
      c.Error(p, "must be at least 0, got " + Describe(j));
    } else {
      c.Error(p, "expected an integer, got " + Describe(j));
    }
    return std::nullopt;
  };
}

Parser<double> Number(Range<double> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<double> {
    if (!j.is_number()) {
      c.Error(p, "expected a number, got " + Describe(j));
      return std::nullopt;
    }
    const double v = j.get<double>();
    if (!CheckRange(c, j, p, v, r, ShortNumber)) return std::nullopt;
    return v;
  };
}
// [lo, hi]
Parser<double> Number(double lo, double hi) { return Number(Range<double>{lo, hi}); }
// A probability in [0, 1].
Parser<double> Fraction() { return Number(0.0, 1.0); }
// (0, 1]
Parser<double> PositiveFraction() { return Number(Range<double>{0.0, 1.0, true, false}); }

Parser<bool> Bool() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<bool> {
    if (!j.is_boolean()) {
      c.Error(p, "expected true or false, got " + Describe(j));
      return std::nullopt;
    }
    return j.get<bool>();
  };
}

const std::string* GetString(Context& c, const Json& j, Ptr p) {
  if (!j.is_string()) {
    c.Error(p, "expected a string, got " + Describe(j));
    return nullptr;
  }
  return &j.get_ref<const std::string&>();
}

// Unicode characters (code points) in valid UTF-8, which the JSON parser guarantees.
int64_t CountChars(std::string_view s) {
  int64_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

Parser<std::string> Text(int64_t min_chars, int64_t max_chars) {
  return [=](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    const int64_t n = CountChars(*s);
    if (n < min_chars || n > max_chars) {
      c.Error(p, min_chars == 1 && n == 0
                     ? std::string("must not be empty")
                     : "must be " + std::to_string(min_chars) + " to " + std::to_string(max_chars) +
                           " characters long, got " + std::to_string(n));
      return std::nullopt;
    }
    return *s;
  };
}

bool IsNameChar(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '.' || ch == '-';
}

// Names of the stream, producers and consumers: what Kinesis allows for stream names, so they
// are safe in file names, CSV columns and command lines.
Parser<std::string> Name() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    if (s->empty() || s->size() > 128 || !std::all_of(s->begin(), s->end(), IsNameChar)) {
      c.Error(p, "must be 1 to 128 characters from a-z, A-Z, 0-9, \"_\", \".\" and \"-\", got " +
                     Describe(j));
      return std::nullopt;
    }
    return *s;
  };
}

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

template <typename E>
std::vector<std::string> EnumNames(std::span<const EnumName<E>> table) {
  std::vector<std::string> names;
  for (const auto& e : table) names.emplace_back(e.name);
  return names;
}

template <typename E>
std::string_view NameOf(std::span<const EnumName<E>> table, E value) {
  for (const auto& e : table) {
    if (e.value == value) return e.name;
  }
  return "";
}

template <typename E>
Parser<E> Enum(std::span<const EnumName<E>> table) {
  return [table](Context& c, const Json& j, Ptr p) -> std::optional<E> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    for (const auto& e : table) {
      if (e.name == *s) return e.value;
    }
    const std::vector<std::string> names = EnumNames(table);
    std::string message = "expected one of " + QuotedList(names) + ", got " + Describe(j);
    if (auto close = ClosestName(*s, names)) message += "; did you mean " + Quote(*close) + "?";
    c.Error(p, message);
    return std::nullopt;
  };
}

// Quantities with units. A bare number is the commonest mistake: say what to add.
template <typename T>
std::optional<T> ParseQuantity(Context& c, const Json& j, Ptr p, std::string_view expected,
                               Parsed<T> (*parse)(std::string_view)) {
  if (j.is_number()) {
    c.Error(p, "expected " + std::string(expected) + ", got " + Describe(j) + " (add a unit)");
    return std::nullopt;
  }
  if (!j.is_string()) {
    c.Error(p, "expected " + std::string(expected) + ", got " + Describe(j));
    return std::nullopt;
  }
  Parsed<T> parsed = parse(j.get_ref<const std::string&>());
  if (!parsed.ok()) {
    c.Error(p, parsed.error);
    return std::nullopt;
  }
  return parsed.value;
}

constexpr std::string_view kExpectDuration = "a duration like \"250ms\"";
constexpr std::string_view kExpectSize = "a size like \"700B\" or \"5MiB\"";
constexpr std::string_view kExpectRecordRate = "a rate like \"5000/s\"";
constexpr std::string_view kExpectByteRate = "a byte rate like \"2MiB/s\"";

enum class Whole { kAny, kSeconds, kHours, kKiB };

Parser<SimDuration> Duration(Range<SimDuration> r, Whole whole = Whole::kAny) {
  return [r, whole](Context& c, const Json& j, Ptr p) -> std::optional<SimDuration> {
    auto v = ParseQuantity<SimDuration>(c, j, p, kExpectDuration, ParseDuration);
    if (!v) return std::nullopt;
    if (whole == Whole::kSeconds && v->nanos() % Seconds(1).nanos() != 0) {
      c.Error(p, "must be a whole number of seconds, got " + Describe(j));
      return std::nullopt;
    }
    if (whole == Whole::kHours && v->nanos() % Hours(1).nanos() != 0) {
      c.Error(p, "must be a whole number of hours, got " + Describe(j));
      return std::nullopt;
    }
    if (!CheckRange(c, j, p, *v, r, FormatDuration)) return std::nullopt;
    return v;
  };
}
// [lo, hi]
Parser<SimDuration> Duration(SimDuration lo, SimDuration hi, Whole whole = Whole::kAny) {
  return Duration(Range<SimDuration>{lo, hi}, whole);
}
// (0, hi]
Parser<SimDuration> PositiveDuration(SimDuration hi) {
  return Duration(Range<SimDuration>{SimDuration::Zero(), hi, true, false});
}

Parser<int64_t> Size(Range<int64_t> r, Whole whole = Whole::kAny) {
  return [r, whole](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    auto v = ParseQuantity<int64_t>(c, j, p, kExpectSize, ParseSizeBytes);
    if (!v) return std::nullopt;
    if (whole == Whole::kKiB && *v % kKiB != 0) {
      c.Error(p, "must be a whole number of KiB, got " + Describe(j));
      return std::nullopt;
    }
    if (!CheckRange(c, j, p, *v, r, FormatBytes)) return std::nullopt;
    return v;
  };
}
Parser<int64_t> Size(int64_t lo, int64_t hi, std::string why = "") {
  return Size(Range<int64_t>{lo, hi, false, false, std::move(why)});
}

Parser<double> RecordRate(Range<double> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<double> {
    auto v = ParseQuantity<double>(c, j, p, kExpectRecordRate, ParseRecordRatePerSec);
    if (!v || !CheckRange(c, j, p, *v, r, FormatRecordRate)) return std::nullopt;
    return v;
  };
}
// (0, kMaxRecordsPerSec]
Parser<double> PositiveRecordRate() {
  return RecordRate(Range<double>{0.0, kMaxRecordsPerSec, true, false});
}

// Rates held as whole counts per second (limits): "1000/s", "60000/min".
Parser<int64_t> WholeRecordRate(int64_t lo, int64_t hi) {
  return [lo, hi](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    auto v = ParseQuantity<double>(c, j, p, kExpectRecordRate, ParseRecordRatePerSec);
    if (!v) return std::nullopt;
    if (*v != std::trunc(*v)) {
      c.Error(p, "must be a whole number per second, got " + Describe(j));
      return std::nullopt;
    }
    const Range<double> r{static_cast<double>(lo), static_cast<double>(hi)};
    if (!CheckRange(c, j, p, *v, r, FormatRecordRate)) return std::nullopt;
    return static_cast<int64_t>(*v);
  };
}

Parser<double> ByteRate(Range<double> r) {
  return [r](Context& c, const Json& j, Ptr p) -> std::optional<double> {
    auto v = ParseQuantity<double>(c, j, p, kExpectByteRate, ParseByteRatePerSec);
    if (!v || !CheckRange(c, j, p, *v, r, FormatByteRate)) return std::nullopt;
    return v;
  };
}

Parser<int64_t> WholeByteRate(int64_t lo, int64_t hi) {
  return [lo, hi](Context& c, const Json& j, Ptr p) -> std::optional<int64_t> {
    auto v = ParseQuantity<double>(c, j, p, kExpectByteRate, ParseByteRatePerSec);
    if (!v) return std::nullopt;
    if (*v != std::trunc(*v)) {
      c.Error(p, "must be a whole number of bytes per second, got " + Describe(j));
      return std::nullopt;
    }
    const Range<double> r{static_cast<double>(lo), static_cast<double>(hi)};
    if (!CheckRange(c, j, p, *v, r, FormatByteRate)) return std::nullopt;
    return static_cast<int64_t>(*v);
  };
}

// A data file named relative to the scenario; returns the resolved path, which must exist.
Parser<std::string> File() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    if (s->empty()) {
      c.Error(p, "must not be empty");
      return std::nullopt;
    }
    namespace fs = std::filesystem;
    fs::path path(*s);
    if (path.is_relative() && !c.base_dir.empty()) path = fs::path(c.base_dir) / path;
    path = path.lexically_normal();
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      c.Error(p, "file " + Quote(*s) + " not found (looked for " + Quote(path.string()) + ")");
      return std::nullopt;
    }
    if (!fs::is_regular_file(status)) {
      c.Error(p, Quote(path.string()) + " is not a regular file");
      return std::nullopt;
    }
    return path.string();
  };
}

// An AWS region code: dash-separated parts of a-z and 0-9, at least three, the first starting
// with a letter and the last all digits (us-east-1, ap-southeast-2, us-gov-west-1).
Parser<std::string> Region() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* v = GetString(c, j, p);
    if (v == nullptr) return std::nullopt;
    std::vector<std::string_view> parts;
    for (std::string_view rest = *v;;) {
      const size_t dash = rest.find('-');
      parts.push_back(rest.substr(0, dash));
      if (dash == std::string_view::npos) break;
      rest.remove_prefix(dash + 1);
    }
    auto all = [](std::string_view part, bool digits_only) {
      return !part.empty() && std::all_of(part.begin(), part.end(), [&](char ch) {
        return (ch >= '0' && ch <= '9') || (!digits_only && ch >= 'a' && ch <= 'z');
      });
    };
    bool ok = v->size() <= 32 && parts.size() >= 3 && all(parts.back(), true) &&
              all(parts.front(), false) && parts.front()[0] >= 'a';
    for (std::string_view part : parts) ok = ok && all(part, false);
    if (!ok) {
      c.Error(p, "expected an AWS region like \"us-east-1\", got " + Describe(j));
      return std::nullopt;
    }
    return *v;
  };
}

// 128-bit hash keys stay decimal text; the API's rule: 0|[1-9][0-9]{0,38}, at most 2^128-1.
Parser<std::string> HashKeyText() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<std::string> {
    const std::string* s = GetString(c, j, p);
    if (s == nullptr) return std::nullopt;
    const bool digits =
        !s->empty() && s->size() <= kMaxHashKey.size() &&
        std::all_of(s->begin(), s->end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
        (*s == "0" || s->front() != '0');
    if (!digits) {
      c.Error(p,
              "expected a decimal hash key (digits, no sign or leading zeros) in [0, 2^128-1], "
              "got " +
                  Describe(j));
      return std::nullopt;
    }
    if (s->size() == kMaxHashKey.size() && *s > kMaxHashKey) {
      c.Error(p, "must be at most 2^128-1 = " + std::string(kMaxHashKey) + ", got " + Describe(j));
      return std::nullopt;
    }
    return *s;
  };
}

// ---------------------------------------------------------------- ObjectReader

// Reads one JSON object of a type from Types(): typed Required/Optional fields, and on
// destruction reports the fields nobody read -- unknown ones with "did you mean", and known ones
// that do not apply to the selected variant with the variants they apply to.
class ObjectReader {
 public:
  // Reports "expected an object" if `j` is not one; then every accessor finds nothing.
  ObjectReader(Context& c, const Json& j, std::string pointer, const std::string& type)
      : c_(c), j_(j), pointer_(std::move(pointer)), type_(Types().at(type)) {
    if (!j.is_object()) c.Error(pointer_, "expected an object, got " + Describe(j));
  }
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;
  ~ObjectReader() { ReportUnread(); }

  bool is_object() const { return j_.is_object(); }
  const std::string& pointer() const { return pointer_; }
  std::string Pointer(std::string_view name) const {
    return pointer_ + "/" + EscapePointerToken(name);
  }

  // The field's value, marked as read, or null if absent. REQUIRES: `name` is a field of the
  // type that applies to the current variant (a loader bug otherwise).
  const Json* Find(std::string_view name) {
    const auto field = type_.fields.find(std::string(name));
    SHARDSIM_CHECK(field != type_.fields.end(), "loader reads a field its type table lacks");
    SHARDSIM_CHECK(!variant_ || field->second.empty() ||
                       std::count(field->second.begin(), field->second.end(), *variant_) > 0,
                   "loader reads a field outside its variant");
    if (!j_.is_object()) return nullptr;
    const auto it = j_.find(name);
    if (it == j_.end()) return nullptr;
    read_.insert(std::string(name));
    return &*it;
  }
  bool Has(std::string_view name) const { return j_.is_object() && j_.contains(name); }

  template <typename T, typename U>
  bool Optional(std::string_view name, U* out, const Parser<T>& parse) {
    const Json* v = Find(name);
    if (v == nullptr) return false;
    std::optional<T> parsed = parse(c_, *v, Pointer(name));
    if (!parsed) return false;
    *out = std::move(*parsed);
    return true;
  }

  // Reports a missing field; true if present (or if this is not an object, already reported).
  bool Require(std::string_view name) {
    Find(name);  // checks the table
    if (!is_object() || Has(name)) return true;
    c_.Error(Pointer(name), "missing required field " + Quote(name));
    return false;
  }

  template <typename T, typename U>
  bool Required(std::string_view name, U* out, const Parser<T>& parse) {
    return Require(name) && Optional(name, out, parse);
  }

  // The discriminator: selects the variant whose fields apply. With no default the field is
  // required. An invalid value leaves the variant unknown, so its fields are not reported.
  template <typename E>
  bool Discriminator(std::span<const EnumName<E>> table, E* out, bool required) {
    const std::string& name = type_.discriminator;
    SHARDSIM_CHECK(!name.empty(), "type has no discriminator");
    bool ok = required ? Required(name, out, Enum(table))
                       : (Optional(name, out, Enum(table)) || !Has(name));
    if (ok) variant_ = std::string(NameOf(table, *out));
    default_variant_ = !Has(name);
    return ok;
  }

  // Calls `read(value, pointer)` for a present field.
  void Object(std::string_view name, const std::function<void(const Json&, Ptr)>& read) {
    if (const Json* v = Find(name)) read(*v, Pointer(name));
  }

  // Calls `read(item, pointer, index)` for each item of a present array field.
  void Array(std::string_view name, size_t min_items, size_t max_items,
             const std::function<void(const Json&, Ptr, size_t)>& read) {
    const Json* v = Find(name);
    if (v == nullptr) return;
    const std::string p = Pointer(name);
    if (!v->is_array()) {
      c_.Error(p, "expected an array, got " + Describe(*v));
      return;
    }
    if (v->size() < min_items || v->size() > max_items) {
      c_.Error(p, min_items == 1 && v->empty()
                      ? std::string("must not be empty")
                      : "must have " + std::to_string(min_items) + " to " +
                            std::to_string(max_items) + " items, got " + std::to_string(v->size()));
      return;
    }
    for (size_t i = 0; i < v->size(); ++i) read((*v)[i], p + "/" + std::to_string(i), i);
  }

 private:
  void ReportUnread() {
    if (!j_.is_object() || read_.size() == j_.size()) return;
    std::vector<std::string> known;  // names a typo may have meant
    for (const auto& [field, variants] : type_.fields) {
      if (variants.empty() || !variant_ ||
          std::count(variants.begin(), variants.end(), *variant_) > 0) {
        known.push_back(field);
      }
    }
    for (const auto& [key, value] : j_.items()) {
      if (read_.count(key) > 0) continue;
      const auto field = type_.fields.find(key);
      const std::string p = Pointer(key);
      if (field == type_.fields.end()) {
        std::string message = "unknown field " + Quote(key);
        if (auto close = ClosestName(key, known))
          message += ", did you mean " + Quote(*close) + "?";
        c_.Error(p, message);
      } else if (!variant_) {
        continue;  // the discriminator is invalid and already reported
      } else {
        SHARDSIM_CHECK(!field->second.empty(), "loader forgot to read a field");
        std::string message = Quote(key) + " applies only to " + type_.discriminator + " " +
                              QuotedList(field->second) + ", not " + Quote(*variant_);
        if (default_variant_) message += " (the default " + type_.discriminator + ")";
        c_.Error(p, message);
      }
    }
  }

  Context& c_;
  const Json& j_;
  std::string pointer_;
  const ObjectTypeInfo& type_;
  std::optional<std::string> variant_;
  bool default_variant_ = false;
  std::set<std::string> read_;
};

// ---------------------------------------------------------------- enums

constexpr EnumName<LatencyDist> kLatencyDists[] = {{"fixed", LatencyDist::kFixed},
                                                   {"uniform", LatencyDist::kUniform},
                                                   {"exponential", LatencyDist::kExponential},
                                                   {"lognormal", LatencyDist::kLognormal}};
constexpr EnumName<SizeDist> kSizeDists[] = {{"fixed", SizeDist::kFixed},
                                             {"uniform", SizeDist::kUniform},
                                             {"lognormal", SizeDist::kLognormal},
                                             {"empirical", SizeDist::kEmpirical}};
constexpr EnumName<ProcessingDist> kProcessingDists[] = {{"fixed", ProcessingDist::kFixed},
                                                         {"lognormal", ProcessingDist::kLognormal}};
constexpr EnumName<ArrivalProcess> kArrivalProcesses[] = {
    {"constant", ArrivalProcess::kConstant}, {"poisson", ArrivalProcess::kPoisson},
    {"diurnal", ArrivalProcess::kDiurnal},   {"steps", ArrivalProcess::kSteps},
    {"bursts", ArrivalProcess::kBursts},     {"trace", ArrivalProcess::kTrace}};
constexpr EnumName<TraceResolution> kTraceResolutions[] = {{"1s", TraceResolution::kSecond},
                                                           {"1min", TraceResolution::kMinute}};
constexpr EnumName<KeyDist> kKeyDists[] = {
    {"uniform", KeyDist::kUniform}, {"zipf", KeyDist::kZipf},
    {"hot_key", KeyDist::kHotKey},  {"weighted", KeyDist::kWeighted},
    {"random", KeyDist::kRandom},   {"explicit_hash_key", KeyDist::kExplicitHashKey}};
constexpr EnumName<ApiType> kApiTypes[] = {{"PutRecord", ApiType::kPutRecord},
                                           {"PutRecords", ApiType::kPutRecords},
                                           {"KPL", ApiType::kKpl}};
constexpr EnumName<Jitter> kJitters[] = {{"none", Jitter::kNone},
                                         {"full", Jitter::kFull},
                                         {"equal", Jitter::kEqual},
                                         {"decorrelated", Jitter::kDecorrelated}};

// ---------------------------------------------------------------- shared pieces

// A latency: a duration string (fixed) or {dist: ...}.
Parser<LatencySpec> Latency(SimDuration max = Hours(1)) {
  return [max](Context& c, const Json& j, Ptr p) -> std::optional<LatencySpec> {
    const auto dur = Duration(SimDuration::Zero(), max);
    if (!j.is_object()) {
      if (auto v = dur(c, j, p)) return LatencySpec::Fixed(*v);
      return std::nullopt;
    }
    ErrorScope scope(c);
    LatencySpec s;
    ObjectReader r(c, j, p, "latency_distribution");
    if (r.Discriminator<LatencyDist>(kLatencyDists, &s.dist, /*required=*/true)) {
      switch (s.dist) {
        case LatencyDist::kFixed:
          r.Required("value", &s.value, dur);
          break;
        case LatencyDist::kUniform:
          if (r.Required("min", &s.min, dur) && r.Required("max", &s.max, dur) && s.min > s.max) {
            c.Error(r.Pointer("min"), "min " + FormatDuration(s.min) + " is greater than max " +
                                          FormatDuration(s.max));
          }
          break;
        case LatencyDist::kExponential:
          r.Required("mean", &s.mean, PositiveDuration(max));
          break;
        case LatencyDist::kLognormal:
          if (r.Required("median", &s.median, PositiveDuration(max)) &&
              r.Required("p99", &s.p99, PositiveDuration(max)) && s.median >= s.p99) {
            c.Error(r.Pointer("p99"), "p99 " + FormatDuration(s.p99) +
                                          " must be greater than the median " +
                                          FormatDuration(s.median));
          }
          break;
      }
    }
    if (!scope.ok()) return std::nullopt;
    return s;
  };
}

// A record size: a size string (fixed) or {dist: ...}.
Parser<SizeSpec> RecordSize() {
  return [](Context& c, const Json& j, Ptr p) -> std::optional<SizeSpec> {
    const auto size = Size(0, 10 * kMiB, "the largest record Kinesis accepts");
    SizeSpec s;
    if (!j.is_object()) {
      auto v = size(c, j, p);
      if (!v) return std::nullopt;
      s.size_bytes = *v;
      return s;
    }
    ErrorScope scope(c);
    ObjectReader r(c, j, p, "size_distribution");
    if (r.Discriminator<SizeDist>(kSizeDists, &s.dist, /*required=*/true)) {
      switch (s.dist) {
        case SizeDist::kFixed:
          r.Required("size", &s.size_bytes, size);
          break;
        case SizeDist::kUniform:
          if (r.Required("min", &s.min_bytes, size) && r.Required("max", &s.max_bytes, size) &&
              s.min_bytes > s.max_bytes) {
            c.Error(r.Pointer("min"), "min " + FormatBytes(s.min_bytes) + " is greater than max " +
                                          FormatBytes(s.max_bytes));
          }
          break;
        case SizeDist::kLognormal: {
          const auto positive = Size(1, 10 * kMiB, "the largest record Kinesis accepts");
          const bool median = r.Required("median", &s.median_bytes, positive);
          const bool p99 = r.Required("p99", &s.p99_bytes, positive);
          if (median && p99 && s.median_bytes >= s.p99_bytes) {
            c.Error(r.Pointer("p99"), "p99 " + FormatBytes(s.p99_bytes) +
                                          " must be greater than the median " +
                                          FormatBytes(s.median_bytes));
          }
          if (r.Optional("max", &s.max_bytes, positive) && median &&
              s.max_bytes <= s.median_bytes) {
            c.Error(r.Pointer("max"), "the cap " + FormatBytes(s.max_bytes) +
                                          " must be greater than the median " +
                                          FormatBytes(s.median_bytes));
          }
          break;
        }
        case SizeDist::kEmpirical:
          r.Required("file", &s.file, File());
          break;
      }
    }
    if (!scope.ok()) return std::nullopt;
    return s;
  };
}

// The largest record a size spec can produce, if bounded (not lognormal without a cap and not
// empirical, whose sizes are in a file the models read).
std::optional<int64_t> MaxRecordBytes(const SizeSpec& s) {
  switch (s.dist) {
    case SizeDist::kFixed:
      return s.size_bytes;
    case SizeDist::kUniform:
      return s.max_bytes;
    case SizeDist::kLognormal:
      return s.max_bytes > 0 ? std::optional<int64_t>(s.max_bytes) : std::nullopt;
    case SizeDist::kEmpirical:
      return std::nullopt;
  }
  return std::nullopt;
}

// A size every record reaches at least (fixed, uniform min, lognormal median), for rules that
// would reject every or most records.
int64_t TypicalRecordBytes(const SizeSpec& s) {
  switch (s.dist) {
    case SizeDist::kFixed:
      return s.size_bytes;
    case SizeDist::kUniform:
      return s.min_bytes;
    case SizeDist::kLognormal:
      return s.median_bytes;
    case SizeDist::kEmpirical:
      return 0;
  }
  return 0;
}

ProcessingSpec ReadProcessing(Context& c, const Json& j, Ptr p) {
  ProcessingSpec s;
  ObjectReader r(c, j, p, "processing");
  const auto dur = Duration(SimDuration::Zero(), Hours(1));
  r.Optional("per_batch", &s.per_batch, dur);
  r.Optional("per_record", &s.per_record, dur);
  r.Optional("per_mib", &s.per_mib, dur);
  if (r.Discriminator<ProcessingDist>(kProcessingDists, &s.distribution, false) &&
      s.distribution == ProcessingDist::kLognormal) {
    r.Optional("p99_factor", &s.p99_factor, Number(Range<double>{1.0, 100.0, true, false}));
  }
  return s;
}

// A time inside the run: [0, duration).
bool CheckInsideRun(Context& c, Ptr p, SimDuration at, std::string_view what) {
  if (c.run_duration && at >= *c.run_duration) {
    c.Error(p, std::string(what) + " at " + FormatDuration(at) +
                   " is not before the end of the run (" + FormatDuration(*c.run_duration) + ")");
    return false;
  }
  return true;
}

// ---------------------------------------------------------------- producers

void ReadArrival(Context& c, const Json& j, Ptr p, ArrivalSpec* s) {
  ObjectReader r(c, j, p, "arrival");
  if (!r.Discriminator<ArrivalProcess>(kArrivalProcesses, &s->process, false)) return;
  switch (s->process) {
    case ArrivalProcess::kConstant:
    case ArrivalProcess::kPoisson:
      break;
    case ArrivalProcess::kDiurnal:
      r.Optional("peak_factor", &s->peak_factor, Number(1.0, 2.0));
      r.Optional("peak_hour", &s->peak_hour, Number(Range<double>{0.0, 24.0, false, true}));
      r.Optional("start_hour", &s->start_hour, Number(Range<double>{0.0, 24.0, false, true}));
      r.Optional("period", &s->period, Duration(Minutes(1), Days(365)));
      break;
    case ArrivalProcess::kSteps:
      r.Require("steps");
      r.Array("steps", 1, 100'000, [&](const Json& item, Ptr ip, size_t i) {
        RateStep step;
        ObjectReader sr(c, item, ip, "rate_step");
        const bool at = sr.Required("at", &step.at, Duration(SimDuration::Zero(), Days(365)));
        sr.Required("rate", &step.records_per_sec,
                    RecordRate(Range<double>{0.0, kMaxRecordsPerSec}));
        if (at) {
          CheckInsideRun(c, sr.Pointer("at"), step.at, "a step");
          if (i > 0 && !s->steps.empty() && step.at <= s->steps.back().at) {
            c.Error(sr.Pointer("at"),
                    "steps must be in increasing time order: " + FormatDuration(step.at) +
                        " is not after " + FormatDuration(s->steps.back().at));
          }
        }
        s->steps.push_back(step);
      });
      break;
    case ArrivalProcess::kBursts:
      r.Required("on", &s->burst_on, PositiveDuration(Days(1)));
      r.Required("off", &s->burst_off, PositiveDuration(Days(1)));
      r.Required("burst_rate", &s->burst_records_per_sec, PositiveRecordRate());
      break;
    case ArrivalProcess::kTrace:
      r.Required("file", &s->trace_file, File());
      r.Optional("resolution", &s->trace_resolution, Enum<TraceResolution>(kTraceResolutions));
      r.Optional("loop", &s->trace_loop, Bool());
      break;
  }
}

// The partition key of index i: every "{i}" in `format` replaced by i.
std::string KeyOf(std::string_view format, int64_t i) {
  std::string out;
  const std::string index = std::to_string(i);
  size_t pos = 0;
  while (true) {
    const size_t hit = format.find("{i}", pos);
    out.append(format.substr(pos, hit - pos));
    if (hit == std::string_view::npos) break;
    out += index;
    pos = hit + 3;
  }
  return out;
}

Parser<std::string> PartitionKey() { return Text(1, kMaxPartitionKeyChars); }

void ReadKeys(Context& c, const Json& j, Ptr p, KeySpec* s) {
  ObjectReader r(c, j, p, "keys");
  if (!r.Discriminator<KeyDist>(kKeyDists, &s->dist, false)) return;
  const bool indexed = s->dist != KeyDist::kWeighted && s->dist != KeyDist::kRandom;
  if (indexed) {
    const bool count = r.Optional("count", &s->count, Int(1, 100'000'000));
    const bool format = r.Optional("format", &s->format, Text(1, kMaxPartitionKeyChars));
    if ((count || !r.Has("count")) && (format || !r.Has("format"))) {
      const std::string longest = KeyOf(s->format, s->count - 1);
      const std::string pointer = r.Has("format") ? r.Pointer("format") : r.pointer();
      if (s->count > 1 && s->format.find("{i}") == std::string::npos) {
        c.Error(pointer, "format " + Quote(s->format) + " has no \"{i}\": all " +
                             std::to_string(s->count) + " keys would be the same");
      } else if (CountChars(longest) > kMaxPartitionKeyChars) {
        c.Error(pointer, "key " + Quote(longest) + " is longer than the " +
                             std::to_string(kMaxPartitionKeyChars) +
                             " characters a partition key may have");
      }
    }
  }
  switch (s->dist) {
    case KeyDist::kUniform:
    case KeyDist::kRandom:
      break;
    case KeyDist::kZipf:
      r.Optional("exponent", &s->zipf_exponent, Number(Range<double>{0.0, 10.0, true, false}));
      break;
    case KeyDist::kHotKey:
      r.Required("hot_share", &s->hot_share, PositiveFraction());
      if (!r.Optional("hot_key", &s->hot_key, PartitionKey())) s->hot_key = KeyOf(s->format, 0);
      break;
    case KeyDist::kWeighted: {
      r.Require("keys");
      std::set<std::string> seen;
      double total = 0;
      r.Array("keys", 1, 1'000'000, [&](const Json& item, Ptr ip, size_t) {
        WeightedKey k;
        ObjectReader kr(c, item, ip, "weighted_key");
        if (kr.Required("key", &k.key, PartitionKey()) && !seen.insert(k.key).second) {
          c.Error(kr.Pointer("key"), "duplicate key " + Quote(k.key));
        }
        kr.Required("weight", &k.weight, Number(Range<double>{0.0, 1e300}));
        total += k.weight;
        s->weighted_keys.push_back(std::move(k));
      });
      if (!s->weighted_keys.empty() && total <= 0) {
        c.Error(r.Pointer("keys"), "the weights sum to 0; at least one must be positive");
      }
      break;
    }
    case KeyDist::kExplicitHashKey: {
      double total = 0;
      r.Array("hash_keys", 1, 1'000'000, [&](const Json& item, Ptr ip, size_t) {
        WeightedHashKey k;
        ObjectReader kr(c, item, ip, "weighted_hash_key");
        kr.Required("hash_key", &k.hash_key, HashKeyText());
        kr.Required("weight", &k.weight, Number(Range<double>{0.0, 1e300}));
        total += k.weight;
        s->hash_keys.push_back(std::move(k));
      });
      if (!s->hash_keys.empty() && total <= 0) {
        c.Error(r.Pointer("hash_keys"), "the weights sum to 0; at least one must be positive");
      }
      break;
    }
  }
}

void ReadApi(Context& c, const Json& j, Ptr p, ApiSpec* s) {
  ObjectReader r(c, j, p, "api");
  if (!r.Discriminator<ApiType>(kApiTypes, &s->type, false)) return;
  r.Optional("call_latency", &s->call_latency, Latency(Minutes(10)));
  if (s->type != ApiType::kKpl) {
    r.Optional("max_in_flight_calls", &s->max_in_flight_calls, Int(1, 10'000));
  }
  if (s->type == ApiType::kPutRecords) {
    r.Optional("max_batch_records", &s->max_batch_records, Int(1, 500, "the PutRecords limit"));
    r.Optional("max_batch_bytes", &s->max_batch_bytes,
               Size(1, kPutRecordsMaxBytes, "the PutRecords request limit"));
    r.Optional("linger", &s->linger, Duration(SimDuration::Zero(), Minutes(1)));
  }
  if (s->type == ApiType::kKpl) {
    // Ranges from the KPL's default_config.properties (fact sheet 8).
    r.Optional("aggregation", &s->aggregation, Bool());
    r.Optional("aggregation_max_size", &s->aggregation_max_size_bytes, Size(64, 10 * kMiB));
    r.Optional("aggregation_max_count", &s->aggregation_max_count, Int(1, 4'294'967'295));
    r.Optional("collection_max_count", &s->collection_max_count, Int(1, 500));
    r.Optional("collection_max_size", &s->collection_max_size_bytes,
               Size(52'224, kPutRecordsMaxBytes, "the PutRecords request limit"));
    r.Optional("record_max_buffered_time", &s->record_max_buffered_time,
               Duration(SimDuration::Zero(), Minutes(10)));
    r.Optional("rate_limit_percent", &s->rate_limit_percent, Int(1, 10'000));
    r.Optional("record_ttl", &s->record_ttl, Duration(Millis(100), Days(1)));
    r.Optional("max_connections", &s->max_connections, Int(1, 256));
    r.Optional("fail_if_throttled", &s->fail_if_throttled, Bool());
  }
}

void ReadRetry(Context& c, const Json& j, Ptr p, RetrySpec* s) {
  ObjectReader r(c, j, p, "retry");
  r.Optional("max_attempts", &s->max_attempts, Int(1, 100));
  const auto delay = Duration(SimDuration::Zero(), Hours(1));
  const bool base = r.Optional("base_delay", &s->base_delay, delay) || !r.Has("base_delay");
  r.Optional("multiplier", &s->multiplier, Number(1.0, 100.0));
  const bool max = r.Optional("max_delay", &s->max_delay, delay) || !r.Has("max_delay");
  if (base && max && s->max_delay < s->base_delay) {
    c.Error(r.Has("max_delay") ? r.Pointer("max_delay") : r.Pointer("base_delay"),
            "max_delay " + FormatDuration(s->max_delay) + " is less than base_delay " +
                FormatDuration(s->base_delay));
  }
  r.Optional("jitter", &s->jitter, Enum<Jitter>(kJitters));
  r.Optional("record_ttl", &s->record_ttl, PositiveDuration(Days(7)));
  r.Optional("call_timeout", &s->call_timeout, PositiveDuration(Hours(1)));
}

constexpr std::string_view kTargetStream = "stream";

ProducerSpec ReadProducer(Context& c, const Json& j, Ptr p) {
  ProducerSpec s;
  ObjectReader r(c, j, p, "producer");
  if (!r.is_object()) return s;
  c.Feature(p, kFeatureProducers);
  r.Required("name", &s.name, Name());
  r.Optional("instances", &s.instances, Int(1, 1'000'000));
  r.Object("arrival", [&](const Json& v, Ptr vp) { ReadArrival(c, v, vp, &s.arrival); });
  if (s.arrival.process == ArrivalProcess::kTrace) {
    c.Feature(r.Pointer("arrival"), kFeatureArrivalTrace);
    if (r.Find("rate") != nullptr) {
      c.Error(r.Pointer("rate"),
              "must not be set with arrival process \"trace\": the trace "
              "file gives the rate");
    }
  } else {
    const bool may_be_zero =
        s.arrival.process == ArrivalProcess::kSteps || s.arrival.process == ArrivalProcess::kBursts;
    r.Required(
        "rate", &s.records_per_sec,
        may_be_zero ? RecordRate(Range<double>{0.0, kMaxRecordsPerSec}) : PositiveRecordRate());
  }
  r.Required("record_size", &s.record_size, RecordSize());
  r.Object("keys", [&](const Json& v, Ptr vp) { ReadKeys(c, v, vp, &s.keys); });
  if (s.keys.dist == KeyDist::kExplicitHashKey) {
    c.Feature(r.Pointer("keys"), kFeatureExplicitHashKey);
  }
  r.Object("api", [&](const Json& v, Ptr vp) { ReadApi(c, v, vp, &s.api); });
  if (s.api.type == ApiType::kKpl) c.Feature(r.Pointer("api"), kFeatureKpl);
  if (s.api.type == ApiType::kKpl && r.Find("retry") != nullptr) {
    c.Error(r.Pointer("retry"),
            "does not apply to api type \"KPL\": the KPL retries by itself "
            "until api.record_ttl");
  } else {
    r.Object("retry", [&](const Json& v, Ptr vp) { ReadRetry(c, v, vp, &s.retry); });
  }
  if (std::string target; r.Optional("target", &target, Text(1, 128))) {
    s.target = target == kTargetStream ? "" : target;
  }
  return s;
}

// ---------------------------------------------------------------- stream

constexpr EnumName<StreamMode> kStreamModes[] = {{"provisioned", StreamMode::kProvisioned},
                                                 {"on_demand", StreamMode::kOnDemand}};
constexpr EnumName<WriteAdmission> kAdmissions[] = {{"window", WriteAdmission::kWindow},
                                                    {"token_bucket", WriteAdmission::kTokenBucket}};
constexpr EnumName<ReshardAction> kReshardActions[] = {
    {"split", ReshardAction::kSplit},
    {"merge", ReshardAction::kMerge},
    {"update_shard_count", ReshardAction::kUpdateShardCount}};
constexpr EnumName<ScalingMetric> kScalingMetrics[] = {
    {"incoming_bytes", ScalingMetric::kIncomingBytes},
    {"incoming_records", ScalingMetric::kIncomingRecords}};

constexpr int64_t kMaxBytesPerSec = int64_t{1} << 40;

void ReadWriteLimits(Context& c, const Json& j, Ptr p, WriteLimitsSpec* s) {
  ObjectReader r(c, j, p, "write_limits");
  r.Optional("bytes_per_s", &s->bytes_per_sec, WholeByteRate(1, kMaxBytesPerSec));
  r.Optional("records_per_s", &s->records_per_sec, WholeRecordRate(1, 1'000'000'000));
  if (r.Discriminator<WriteAdmission>(kAdmissions, &s->admission, false) &&
      s->admission == WriteAdmission::kTokenBucket) {
    r.Optional("bucket_depth", &s->bucket_depth_sec,
               Number(Range<double>{0.0, 3600.0, true, false}));
  }
}

void ReadReadLimits(Context& c, const Json& j, Ptr p, ReadLimitsSpec* s) {
  ObjectReader r(c, j, p, "read_limits");
  r.Optional("get_records_per_s", &s->get_records_per_sec, Int(1, 1000));
  r.Optional("bytes_per_s", &s->bytes_per_sec, WholeByteRate(1, kMaxBytesPerSec));
  r.Optional("max_records_per_call", &s->max_records_per_call,
             Int(1, 10'000, "the GetRecords Limit"));
  r.Optional("max_bytes_per_call", &s->max_bytes_per_call, Size(1, int64_t{1} << 30));
  r.Optional("penalty", &s->penalty, Duration(SimDuration::Zero(), Hours(1)));
}

ReshardSpec ReadReshard(Context& c, const Json& j, Ptr p) {
  ReshardSpec s;
  ObjectReader r(c, j, p, "resharding_event");
  if (r.Required("at", &s.at, Duration(SimDuration::Zero(), Days(365)))) {
    CheckInsideRun(c, r.Pointer("at"), s.at, "a resharding");
  }
  r.Optional("duration", &s.duration, PositiveDuration(Hours(1)));
  if (!r.Discriminator<ReshardAction>(kReshardActions, &s.action, true)) return s;
  const auto shard = Int(0, 1'000'000);
  switch (s.action) {
    case ReshardAction::kSplit:
      r.Required("shard", &s.shard, shard);
      r.Optional("new_starting_hash_key", &s.new_starting_hash_key, HashKeyText());
      break;
    case ReshardAction::kMerge:
      if (r.Required("shard", &s.shard, shard) &&
          r.Required("adjacent_shard", &s.adjacent_shard, shard) && s.shard == s.adjacent_shard) {
        c.Error(r.Pointer("adjacent_shard"), "a shard cannot be merged with itself");
      }
      break;
    case ReshardAction::kUpdateShardCount:
      r.Required("target_shards", &s.target_shards, Int(1, kMaxShards, "per stream"));
      break;
  }
  return s;
}

// Replays the resharding events on the open shards, ordered by hash range, to check that each
// names open, adjacent shards and stays within UpdateShardCount's bounds (fact sheet 3). Children
// take the next unused shard index. After an UpdateShardCount the indexes AWS assigns are not
// documented, so only shard counts are checked from then on.
void CheckResharding(Context& c, Ptr p, const StreamSpec& s) {
  std::vector<int64_t> open(static_cast<size_t>(s.shards));
  for (int64_t i = 0; i < s.shards; ++i) open[static_cast<size_t>(i)] = i;
  int64_t next_index = s.shards;
  int64_t open_count = s.shards;
  bool indexes_known = true;
  for (size_t e = 0; e < s.resharding.size(); ++e) {
    const ReshardSpec& r = s.resharding[e];
    const std::string ep = p + "/" + std::to_string(e);
    if (e > 0) {
      const ReshardSpec& prev = s.resharding[e - 1];
      if (r.at < prev.at) {
        c.Error(ep + "/at", "resharding events must be in time order: " + FormatDuration(r.at) +
                                " is before " + FormatDuration(prev.at));
        return;
      }
      if (r.at < prev.at + prev.duration) {
        c.Error(ep + "/at", "starts at " + FormatDuration(r.at) +
                                " while the previous resharding (at " + FormatDuration(prev.at) +
                                ", taking " + FormatDuration(prev.duration) +
                                ") is still running; a stream reshards one operation at a time");
        return;
      }
    }
    auto position = [&open](int64_t shard) {
      return std::find(open.begin(), open.end(), shard) - open.begin();
    };
    auto not_open = [&](int64_t shard, const std::string& field) {
      c.Error(ep + "/" + field, "shard " + std::to_string(shard) + " is not an open shard at " +
                                    FormatDuration(r.at) +
                                    " (children of a split or merge take "
                                    "the next unused index; split and merged shards close)");
    };
    switch (r.action) {
      case ReshardAction::kSplit: {
        if (open_count + 1 > kMaxShards) {
          c.Error(ep, "the split would exceed " + std::to_string(kMaxShards) + " open shards");
          return;
        }
        if (indexes_known) {
          const auto at = position(r.shard);
          if (at == static_cast<std::ptrdiff_t>(open.size())) return not_open(r.shard, "shard");
          open[static_cast<size_t>(at)] = next_index;
          open.insert(open.begin() + at + 1, next_index + 1);
        }
        next_index += 2;
        ++open_count;
        break;
      }
      case ReshardAction::kMerge: {
        if (indexes_known) {
          const auto a = position(r.shard);
          const auto b = position(r.adjacent_shard);
          if (a == static_cast<std::ptrdiff_t>(open.size())) return not_open(r.shard, "shard");
          if (b == static_cast<std::ptrdiff_t>(open.size())) {
            return not_open(r.adjacent_shard, "adjacent_shard");
          }
          if (a - b != 1 && b - a != 1) {
            c.Error(ep + "/adjacent_shard", "shards " + std::to_string(r.shard) + " and " +
                                                std::to_string(r.adjacent_shard) +
                                                " are not adjacent at " + FormatDuration(r.at) +
                                                ": merged shards need contiguous hash ranges");
            return;
          }
          const auto low = std::min(a, b);
          open[static_cast<size_t>(low)] = next_index;
          open.erase(open.begin() + low + 1);
        }
        next_index += 1;
        --open_count;
        break;
      }
      case ReshardAction::kUpdateShardCount: {
        const int64_t lo = (open_count + 1) / 2;
        const int64_t hi = std::min(2 * open_count, kMaxShards);
        if (r.target_shards < lo || r.target_shards > hi) {
          c.Error(ep + "/target_shards", "must be between " + std::to_string(lo) + " and " +
                                             std::to_string(hi) + " (half to double the " +
                                             std::to_string(open_count) + " open shards), got " +
                                             std::to_string(r.target_shards));
          return;
        }
        open_count = r.target_shards;
        indexes_known = false;
        break;
      }
    }
  }
}

void ReadAutoscaling(Context& c, const Json& j, Ptr p, AutoscalingSpec* s) {
  ObjectReader r(c, j, p, "autoscaling");
  r.Optional("enabled", &s->enabled, Bool());
  r.Optional("metric", &s->metric, Enum<ScalingMetric>(kScalingMetrics));
  r.Optional("target_utilization", &s->target_utilization, PositiveFraction());
  r.Optional("period", &s->period, Duration(Minutes(1), Hours(24)));
  r.Optional("evaluation_periods", &s->evaluation_periods, Int(1, 1000));
  r.Optional("cooldown", &s->cooldown, Duration(SimDuration::Zero(), Days(1)));
  const bool min = r.Optional("min_shards", &s->min_shards, Int(1, kMaxShards));
  const bool max = r.Optional("max_shards", &s->max_shards, Int(1, kMaxShards));
  if ((min || max) && s->min_shards > s->max_shards) {
    c.Error(r.Pointer(min ? "min_shards" : "max_shards"),
            "min_shards " + std::to_string(s->min_shards) + " is greater than max_shards " +
                std::to_string(s->max_shards));
  }
  r.Optional("action_delay", &s->action_delay, Duration(SimDuration::Zero(), Hours(24)));
}

void ReadOnDemand(Context& c, const Json& j, Ptr p, OnDemandSpec* s) {
  ObjectReader r(c, j, p, "on_demand");
  r.Optional("split_threshold", &s->split_threshold_bytes_per_sec,
             ByteRate(Range<double>{0.0, static_cast<double>(kMaxBytesPerSec), true, false}));
  r.Optional("split_delay", &s->split_delay, Duration(SimDuration::Zero(), Days(1)));
}

void ReadStream(Context& c, const Json& j, Ptr p, StreamSpec* s) {
  ObjectReader r(c, j, p, "stream");
  if (!r.is_object()) return;
  r.Optional("name", &s->name, Name());
  const bool mode_ok = r.Discriminator<StreamMode>(kStreamModes, &s->mode, false);
  if (mode_ok && s->mode == StreamMode::kProvisioned && !r.Has("shards")) {
    c.Error(r.Pointer("shards"), "provisioned mode requires \"shards\"");
  }
  const bool shards_ok =
      r.Optional("shards", &s->shards, Int(1, kMaxShards, "per stream")) || !r.Has("shards");
  r.Optional("retention", &s->retention, Duration(Hours(24), Hours(8760), Whole::kHours));
  const bool size_ok = r.Optional("max_record_size", &s->max_record_size_bytes,
                                  Size(Range<int64_t>{kMiB, 10 * kMiB}, Whole::kKiB)) ||
                       !r.Has("max_record_size");
  ErrorScope write_scope(c);
  r.Object("write_limits",
           [&](const Json& v, Ptr vp) { ReadWriteLimits(c, v, vp, &s->write_limits); });
  if (write_scope.ok() && size_ok && s->write_limits.admission == WriteAdmission::kTokenBucket) {
    const double capacity_bytes =
        s->write_limits.bucket_depth_sec * static_cast<double>(s->write_limits.bytes_per_sec);
    if (capacity_bytes < static_cast<double>(s->max_record_size_bytes)) {
      c.Error(r.Pointer("write_limits") + "/bucket_depth",
              "a bucket of " + ShortNumber(s->write_limits.bucket_depth_sec) + " s at " +
                  FormatByteRate(static_cast<double>(s->write_limits.bytes_per_sec)) +
                  " holds less than one record of max_record_size " +
                  FormatBytes(s->max_record_size_bytes));
    }
  }
  r.Object("read_limits",
           [&](const Json& v, Ptr vp) { ReadReadLimits(c, v, vp, &s->read_limits); });
  r.Optional("propagation_delay", &s->propagation_delay, Latency(Minutes(10)));
  r.Optional("max_efo_consumers", &s->max_efo_consumers, Int(1, 50));
  r.Optional("enhanced_monitoring", &s->enhanced_monitoring, Bool());
  if (!mode_ok) return;
  if (s->mode == StreamMode::kOnDemand) {
    c.Feature(r.Pointer("mode"), kFeatureOnDemand);
    r.Object("on_demand", [&](const Json& v, Ptr vp) { ReadOnDemand(c, v, vp, &s->on_demand); });
    return;
  }
  ErrorScope autoscaling_scope(c);
  r.Object("autoscaling",
           [&](const Json& v, Ptr vp) { ReadAutoscaling(c, v, vp, &s->autoscaling); });
  if (s->autoscaling.enabled) c.Feature(r.Pointer("autoscaling"), kFeatureAutoscaling);
  ErrorScope resharding_scope(c);
  r.Array("resharding", 0, 1'000,
          [&](const Json& v, Ptr vp, size_t) { s->resharding.push_back(ReadReshard(c, v, vp)); });
  if (!s->resharding.empty()) {
    c.Feature(r.Pointer("resharding"), kFeatureResharding);
    // Autoscaling changes the shards at times the loader cannot know.
    if (resharding_scope.ok() && shards_ok && !s->autoscaling.enabled) {
      CheckResharding(c, r.Pointer("resharding"), *s);
    }
  }
}

// ---------------------------------------------------------------- consumers

constexpr EnumName<ConsumerType> kConsumerTypes[] = {{"polling", ConsumerType::kPolling},
                                                     {"kcl", ConsumerType::kKcl},
                                                     {"efo", ConsumerType::kEfo},
                                                     {"lambda", ConsumerType::kLambda},
                                                     {"firehose", ConsumerType::kFirehose}};
constexpr EnumName<StartingPositionType> kStartingPositions[] = {
    {"LATEST", StartingPositionType::kLatest},
    {"TRIM_HORIZON", StartingPositionType::kTrimHorizon},
    {"AT_TIMESTAMP", StartingPositionType::kAtTimestamp}};
constexpr EnumName<LambdaSource> kLambdaSources[] = {{"polling", LambdaSource::kPolling},
                                                     {"efo", LambdaSource::kEfo}};
constexpr EnumName<LambdaArchitecture> kArchitectures[] = {{"x86_64", LambdaArchitecture::kX86_64},
                                                           {"arm64", LambdaArchitecture::kArm64}};
constexpr EnumName<OnFailureDestination> kOnFailure[] = {{"none", OnFailureDestination::kNone},
                                                         {"sqs", OnFailureDestination::kSqs},
                                                         {"sns", OnFailureDestination::kSns},
                                                         {"s3", OnFailureDestination::kS3}};
constexpr EnumName<FirehoseSource> kFirehoseSources[] = {
    {"stream", FirehoseSource::kStream}, {"direct_put", FirehoseSource::kDirectPut}};
constexpr EnumName<CompressionCodec> kCodecs[] = {
    {"none", CompressionCodec::kNone},
    {"gzip", CompressionCodec::kGzip},
    {"zip", CompressionCodec::kZip},
    {"snappy", CompressionCodec::kSnappy},
    {"hadoop_snappy", CompressionCodec::kHadoopSnappy}};
constexpr EnumName<OutputFormat> kOutputFormats[] = {{"parquet", OutputFormat::kParquet},
                                                     {"orc", OutputFormat::kOrc}};
constexpr EnumName<DestinationType> kDestinations[] = {{"s3", DestinationType::kS3}};

// Typical compressed/uncompressed ratios for JSON-like records. UNCONFIRMED: they depend on the
// data; set compression.ratio from a sample of yours.
double DefaultCompressionRatio(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kNone:
      return 1.0;
    case CompressionCodec::kGzip:
    case CompressionCodec::kZip:
      return 0.3;
    case CompressionCodec::kSnappy:
    case CompressionCodec::kHadoopSnappy:
      return 0.5;
  }
  return 1.0;
}

void ReadStartingPosition(Context& c, const Json& j, Ptr p, StartingPosition* s) {
  ObjectReader r(c, j, p, "starting_position");
  if (r.Discriminator<StartingPositionType>(kStartingPositions, &s->type, false) &&
      s->type == StartingPositionType::kAtTimestamp &&
      r.Required("timestamp", &s->timestamp, Duration(SimDuration::Zero(), Days(365)))) {
    CheckInsideRun(c, r.Pointer("timestamp"), s->timestamp, "the timestamp");
  }
}

void ReadOutages(ObjectReader& r, Context& c, std::vector<OutageSpec>* outages) {
  r.Array("outages", 0, 10'000, [&](const Json& v, Ptr vp, size_t) {
    OutageSpec o;
    ObjectReader orr(c, v, vp, "outage");
    const auto time = Duration(SimDuration::Zero(), Days(365));
    const bool from = orr.Required("from", &o.from, time);
    const bool to = orr.Required("to", &o.to, time);
    if (from) CheckInsideRun(c, orr.Pointer("from"), o.from, "an outage");
    if (from && to && o.to <= o.from) {
      c.Error(orr.Pointer("to"), "the outage must end after it starts: " + FormatDuration(o.to) +
                                     " is not after " + FormatDuration(o.from));
    } else if (from && !outages->empty() && o.from < outages->back().to) {
      c.Error(orr.Pointer("from"),
              "outages must be in time order without overlap: " + FormatDuration(o.from) +
                  " is before the end of the "
                  "previous one (" +
                  FormatDuration(outages->back().to) + ")");
    }
    outages->push_back(o);
  });
  if (!outages->empty()) c.Feature(r.Pointer("outages"), kFeatureOutages);
}

void ReadPolling(ObjectReader& r, PollingSpec* s) {
  r.Optional("poll_interval", &s->poll_interval, Duration(SimDuration::Zero(), Hours(1)));
  r.Optional("max_records", &s->max_records, Int(1, 10'000, "the GetRecords Limit"));
  r.Optional("call_latency", &s->call_latency, Latency(Minutes(10)));
}

void ReadKcl(ObjectReader& r, Context& c, KclSpec* s) {
  const bool workers = r.Optional("workers", &s->workers, Int(1, 10'000)) || !r.Has("workers");
  r.Optional("max_leases_per_worker", &s->max_leases_per_worker, Int(1, 2'147'483'647));
  r.Optional("idle_time_between_reads", &s->idle_time_between_reads,
             Duration(Range<SimDuration>{Millis(200), Hours(1), false, false,
                                         "the KCL minimum is 200ms"}));
  r.Optional("max_records", &s->max_records, Int(1, 10'000, "the GetRecords Limit"));
  r.Object("checkpoint", [&](const Json& v, Ptr vp) {
    ObjectReader cr(c, v, vp, "checkpoint");
    cr.Optional("every_records", &s->checkpoint.every_records, Int(0, 1'000'000'000));
    cr.Optional("every", &s->checkpoint.every, Duration(SimDuration::Zero(), Days(1)));
  });
  r.Optional("failover_time", &s->failover_time, PositiveDuration(Hours(1)));
  r.Optional("call_latency", &s->call_latency, Latency(Minutes(10)));
  r.Array("worker_failures", 0, 10'000, [&](const Json& v, Ptr vp, size_t) {
    WorkerFailure f;
    ObjectReader fr(c, v, vp, "worker_failure");
    if (fr.Required("worker", &f.worker, Int(0, 10'000)) && workers && f.worker >= s->workers) {
      c.Error(fr.Pointer("worker"), "there are " + std::to_string(s->workers) +
                                        " workers, numbered from 0; got " +
                                        std::to_string(f.worker));
    }
    if (fr.Required("at", &f.at, Duration(SimDuration::Zero(), Days(365)))) {
      CheckInsideRun(c, fr.Pointer("at"), f.at, "a worker failure");
    }
    s->worker_failures.push_back(f);
  });
  if (!s->worker_failures.empty()) c.Feature(r.Pointer("worker_failures"), kFeatureWorkerFailures);
}

void ReadLambdaFunction(Context& c, const Json& j, Ptr p, LambdaFunctionSpec* s) {
  ObjectReader r(c, j, p, "lambda_function");
  if (r.Require("duration")) {
    r.Object("duration", [&](const Json& v, Ptr vp) {
      s->duration = ReadProcessing(c, v, vp);
      // Lambda's maximum function timeout is 900 s (AWS Lambda quotas); a longer invocation
      // would time out and fail every time.
      if (s->duration.per_batch > Seconds(900)) {
        c.Error(vp + "/per_batch",
                "a Lambda invocation runs at most 15min (the maximum "
                "function timeout), got " +
                    FormatDuration(s->duration.per_batch));
      }
    });
  }
  r.Optional("memory_mb", &s->memory_mb, Int(128, 10'240));
  r.Optional("architecture", &s->architecture, Enum<LambdaArchitecture>(kArchitectures));
  r.Optional("concurrency_limit", &s->concurrency_limit, Int(1, 1'000'000));
  r.Optional("error_rate", &s->error_rate, Fraction());
  r.Array("poison_records", 0, 10'000, [&](const Json& v, Ptr vp, size_t) {
    PoisonRecord poison;
    ObjectReader pr(c, v, vp, "poison_record");
    if (pr.Required("at", &poison.at, Duration(SimDuration::Zero(), Days(365)))) {
      CheckInsideRun(c, pr.Pointer("at"), poison.at, "a poison record");
    }
    pr.Optional("key", &poison.key, PartitionKey());
    s->poison_records.push_back(std::move(poison));
  });
}

void ReadLambda(ObjectReader& r, Context& c, LambdaSpec* s) {
  r.Optional("source", &s->source, Enum<LambdaSource>(kLambdaSources));
  r.Optional("batch_size", &s->batch_size, Int(1, 10'000));
  r.Optional("batching_window", &s->batching_window,
             Duration(SimDuration::Zero(), Seconds(300), Whole::kSeconds));
  r.Optional("parallelization_factor", &s->parallelization_factor, Int(1, 10));
  if (r.Require("function")) {
    r.Object("function",
             [&](const Json& v, Ptr vp) { ReadLambdaFunction(c, v, vp, &s->function); });
  }
  r.Optional("maximum_retry_attempts", &s->maximum_retry_attempts, Int(-1, 10'000));
  r.Optional("bisect_batch_on_function_error", &s->bisect_batch_on_function_error, Bool());
  r.Optional("maximum_record_age", &s->maximum_record_age,
             Duration(Seconds(60), Seconds(604'800), Whole::kSeconds));
  r.Optional("report_batch_item_failures", &s->report_batch_item_failures, Bool());
  r.Optional("on_failure_destination", &s->on_failure_destination,
             Enum<OnFailureDestination>(kOnFailure));
  r.Optional("tumbling_window", &s->tumbling_window,
             Duration(SimDuration::Zero(), Seconds(900), Whole::kSeconds));
}

// Direct PUT quotas per Firehose stream by region (fact sheet 7).
DirectPutLimitsSpec DirectPutDefaults(const std::string& region) {
  DirectPutLimitsSpec s;
  if (region != "us-east-1" && region != "us-west-2" && region != "eu-west-1") {
    s.records_per_sec = 100'000;
    s.requests_per_sec = 1'000;
    s.bytes_per_sec = kMiB;
  }
  return s;
}

void ReadFirehose(ObjectReader& r, Context& c, FirehoseSpec* s) {
  r.Optional("source", &s->source, Enum<FirehoseSource>(kFirehoseSources));
  if (s->source == FirehoseSource::kDirectPut) c.Feature(r.Pointer("source"), kFeatureDirectPut);

  r.Object("format_conversion", [&](const Json& v, Ptr vp) {
    ObjectReader fr(c, v, vp, "format_conversion");
    fr.Optional("enabled", &s->format_conversion.enabled, Bool());
    fr.Optional("output", &s->format_conversion.output, Enum<OutputFormat>(kOutputFormats));
  });
  // With format conversion the buffer must hold at least 64 MiB and defaults to 128 MiB.
  if (s->format_conversion.enabled) s->buffering.size_bytes = 128 * kMiB;
  r.Object("buffering", [&](const Json& v, Ptr vp) {
    ObjectReader br(c, v, vp, "firehose_buffering");
    if (br.Optional("size", &s->buffering.size_bytes, Size(kMiB, 128 * kMiB)) &&
        s->format_conversion.enabled && s->buffering.size_bytes < 64 * kMiB) {
      c.Error(br.Pointer("size"), "format conversion needs a buffer size of at least 64MiB, got " +
                                      FormatBytes(s->buffering.size_bytes));
    }
    br.Optional("interval", &s->buffering.interval,
                Duration(SimDuration::Zero(), Seconds(900), Whole::kSeconds));
  });
  r.Object("transform", [&](const Json& v, Ptr vp) {
    ObjectReader tr(c, v, vp, "firehose_transform");
    FirehoseTransformSpec& t = s->transform;
    tr.Optional("enabled", &t.enabled, Bool());
    tr.Optional("buffer_size", &t.buffer_size_bytes,
                Size(200'000, 3'000'000, "the Lambda processor's 0.2 to 3 MB"));
    tr.Optional("buffer_interval", &t.buffer_interval,
                Duration(SimDuration::Zero(), Seconds(900), Whole::kSeconds));
    if (t.enabled && !tr.Has("duration")) {
      tr.Require("duration");
    } else {
      tr.Object("duration", [&](const Json& dv, Ptr dp) {
        t.duration = ReadProcessing(c, dv, dp);
        if (t.duration.per_batch > Minutes(5)) {  // fact sheet 7
          c.Error(dp + "/per_batch", "a Firehose transform invocation runs at most 5min, got " +
                                         FormatDuration(t.duration.per_batch));
        }
      });
    }
    tr.Optional("error_rate", &t.error_rate, Fraction());
    tr.Optional("retries", &t.retries, Int(0, 300));
  });
  r.Object("compression", [&](const Json& v, Ptr vp) {
    ObjectReader cr(c, v, vp, "compression");
    CompressionSpec& z = s->compression;
    if (cr.Discriminator<CompressionCodec>(kCodecs, &z.codec, false)) {
      z.ratio = DefaultCompressionRatio(z.codec);
      if (z.codec != CompressionCodec::kNone) cr.Optional("ratio", &z.ratio, PositiveFraction());
    }
  });
  r.Object("dynamic_partitioning", [&](const Json& v, Ptr vp) {
    ObjectReader dr(c, v, vp, "dynamic_partitioning");
    dr.Optional("enabled", &s->dynamic_partitioning.enabled, Bool());
    dr.Optional("partitions", &s->dynamic_partitioning.partitions,
                Int(1, 5'000, "the raised quota of active partitions"));
  });
  r.Object("destination", [&](const Json& v, Ptr vp) {
    ObjectReader dr(c, v, vp, "destination");
    DestinationSpec& d = s->destination;
    dr.Optional("type", &d.type, Enum<DestinationType>(kDestinations));
    dr.Optional("write_latency", &d.write_latency, Latency(Hours(1)));
    dr.Optional("error_rate", &d.error_rate, Fraction());
    dr.Optional("retry_duration", &d.retry_duration, Duration(SimDuration::Zero(), Hours(24)));
  });
  s->direct_put_limits = DirectPutDefaults(c.region);
  if (s->source != FirehoseSource::kDirectPut) {
    if (r.Find("direct_put_limits") != nullptr) {
      c.Error(r.Pointer("direct_put_limits"),
              "applies only to source \"direct_put\": Direct PUT quotas do not apply when a "
              "firehose reads from the stream");
    }
    return;
  }
  r.Object("direct_put_limits", [&](const Json& v, Ptr vp) {
    ObjectReader lr(c, v, vp, "direct_put_limits");
    DirectPutLimitsSpec& l = s->direct_put_limits;
    lr.Optional("records_per_s", &l.records_per_sec, WholeRecordRate(1, 1'000'000'000));
    lr.Optional("requests_per_s", &l.requests_per_sec, WholeRecordRate(1, 100'000'000));
    lr.Optional("bytes_per_s", &l.bytes_per_sec, WholeByteRate(1, kMaxBytesPerSec));
  });
}

ConsumerSpec ReadConsumer(Context& c, const Json& j, Ptr p) {
  ConsumerSpec s;
  ObjectReader r(c, j, p, "consumer");
  if (!r.is_object()) return s;
  r.Required("name", &s.name, Name());
  if (!r.Discriminator<ConsumerType>(kConsumerTypes, &s.type, /*required=*/true)) return s;
  static constexpr std::string_view kFeatures[] = {kFeaturePolling, kFeatureKcl, kFeatureEfo,
                                                   kFeatureLambda, kFeatureFirehose};
  c.Feature(p, kFeatures[static_cast<int>(s.type)]);
  if (s.type != ConsumerType::kFirehose) {
    r.Object("starting_position",
             [&](const Json& v, Ptr vp) { ReadStartingPosition(c, v, vp, &s.starting_position); });
    ReadOutages(r, c, &s.outages);
  }
  if (s.type == ConsumerType::kPolling || s.type == ConsumerType::kKcl ||
      s.type == ConsumerType::kEfo) {
    r.Object("processing", [&](const Json& v, Ptr vp) { s.processing = ReadProcessing(c, v, vp); });
  }
  switch (s.type) {
    case ConsumerType::kPolling:
      ReadPolling(r, &s.polling);
      break;
    case ConsumerType::kKcl:
      ReadKcl(r, c, &s.kcl);
      break;
    case ConsumerType::kEfo:
      r.Optional("propagation_delay", &s.efo.propagation_delay, Latency(Minutes(10)));
      r.Optional("subscription_lifetime", &s.efo.subscription_lifetime, PositiveDuration(Hours(1)));
      break;
    case ConsumerType::kLambda:
      ReadLambda(r, c, &s.lambda);
      break;
    case ConsumerType::kFirehose:
      ReadFirehose(r, c, &s.firehose);
      break;
  }
  return s;
}

// ---------------------------------------------------------------- goals and analysis

void ReadSlos(Context& c, const Json& j, Ptr p, SloSpec* s) {
  ObjectReader r(c, j, p, "slos");
  r.Optional("max_iterator_age", &s->max_iterator_age, PositiveDuration(Days(365)));
  r.Optional("p99_latency", &s->p99_latency, PositiveDuration(Days(365)));
  r.Optional("max_write_throttle_fraction", &s->max_write_throttle_fraction, Fraction());
  if (r.Optional("max_monthly_cost_usd", &s->max_monthly_cost_usd, Number(0.0, 1e12))) {
    c.Feature(r.Pointer("max_monthly_cost_usd"), kFeatureSloCost);
  }
  r.Optional("max_shard_utilization", &s->max_shard_utilization, PositiveFraction());
}

void ReadPricing(Context& c, const Json& j, Ptr p, PricingSpec* s) {
  ObjectReader r(c, j, p, "pricing");
  r.Optional("file", &s->file, File());
  r.Object("overrides", [&](const Json& v, Ptr vp) {
    if (!v.is_object()) {
      c.Error(vp, "expected an object of price dimension names to USD prices, got " + Describe(v));
      return;
    }
    const auto price = Number(0.0, 1e9);
    for (const auto& [name, value] : v.items()) {
      const std::string ip = vp + "/" + EscapePointerToken(name);
      if (name.empty() || name.size() > 128 ||
          !std::all_of(name.begin(), name.end(), [](char ch) { return IsNameChar(ch); })) {
        c.Error(ip,
                "a price dimension name is 1 to 128 characters from a-z, A-Z, 0-9, \"_\", "
                "\".\" and \"-\"");
        continue;
      }
      if (auto usd = price(c, value, ip)) s->overrides[name] = *usd;
    }
  });
}

void ReadAnalysis(Context& c, const Json& j, Ptr p, AnalysisSpec* s) {
  ObjectReader r(c, j, p, "analysis");
  r.Optional("hot_shard_threshold", &s->hot_shard_threshold, PositiveFraction());
  r.Optional("stream_utilization_threshold", &s->stream_utilization_threshold, PositiveFraction());
  r.Optional("top_keys", &s->top_keys, Int(0, 10'000));
}

// ---------------------------------------------------------------- cross-field rules

// What the readers learned about each producer and consumer beyond its spec.
struct ReadState {
  std::vector<bool> producer_ok;  // read without errors
  std::vector<bool> consumer_ok;
  bool stream_ok = false;
};

std::string Base64Bytes(int64_t bytes) { return std::to_string(4 * ((bytes + 2) / 3)); }

// Rules that relate producers, the stream and consumers.
void CheckCrossRules(Context& c, const Json& root, Scenario& s, const ReadState& st) {
  auto has = [&root](const std::string& pointer) {
    return root.contains(Json::json_pointer(pointer));
  };
  std::map<std::string, size_t> consumer_index;
  for (size_t i = 0; i < s.consumers.size(); ++i) consumer_index.emplace(s.consumers[i].name, i);
  std::vector<std::string> firehose_names;
  for (const ConsumerSpec& k : s.consumers) {
    if (k.type == ConsumerType::kFirehose) firehose_names.push_back(k.name);
  }
  std::set<std::string> targeted;
  for (const ProducerSpec& pr : s.producers) targeted.insert(pr.target);
  bool kpl_aggregates = false;
  std::vector<std::pair<std::string, int64_t>> largest_to_stream;  // producer, largest record

  for (size_t i = 0; i < s.producers.size(); ++i) {
    if (!st.producer_ok[i]) continue;
    ProducerSpec& pr = s.producers[i];
    const std::string pp = "/producers/" + std::to_string(i);
    const std::optional<int64_t> largest = MaxRecordBytes(pr.record_size);
    const int64_t typical = TypicalRecordBytes(pr.record_size);
    if (!pr.target.empty()) {
      const auto it = consumer_index.find(pr.target);
      if (it == consumer_index.end() || s.consumers[it->second].type != ConsumerType::kFirehose) {
        std::string message = it == consumer_index.end()
                                  ? "no firehose consumer is named " + Quote(pr.target)
                                  : "consumer " + Quote(pr.target) +
                                        " is not a firehose; producers write to the "
                                        "stream (\"stream\") or to a firehose";
        if (it == consumer_index.end()) {
          if (auto close = ClosestName(pr.target, firehose_names)) {
            message += "; did you mean " + Quote(*close) + "?";
          }
        }
        c.Error(pp + "/target", message);
        continue;
      }
      const ConsumerSpec& f = s.consumers[it->second];
      if (f.firehose.source != FirehoseSource::kDirectPut) {
        c.Error(pp + "/target", "firehose " + Quote(f.name) +
                                    " reads from the stream; set its "
                                    "\"source\" to \"direct_put\" to write to it directly");
        continue;
      }
      if (pr.api.type == ApiType::kKpl) {
        c.Error(pp + "/api/type", "the KPL writes only to Kinesis data streams, not to a firehose");
      }
      if (has(pp + "/keys")) {
        c.Error(pp + "/keys",
                "does not apply to a producer writing to a firehose: Firehose "
                "records have no partition key");
      }
      if (pr.api.type == ApiType::kPutRecords && pr.api.max_batch_bytes > kFirehoseBatchMaxBytes) {
        if (has(pp + "/api/max_batch_bytes")) {
          c.Error(pp + "/api/max_batch_bytes",
                  "must be at most 4MiB for a firehose (the PutRecordBatch limit), got " +
                      FormatBytes(pr.api.max_batch_bytes));
        } else {
          pr.api.max_batch_bytes = kFirehoseBatchMaxBytes;
        }
      }
      if (largest.value_or(typical) > kFirehoseMaxRecordBytes) {
        c.Error(pp + "/record_size", "records of up to " + FormatBytes(largest.value_or(typical)) +
                                         " exceed Firehose's 1000KiB record limit");
      }
      continue;
    }
    // Writes to the stream.
    const int64_t max_record = s.stream.max_record_size_bytes;
    if (st.stream_ok && largest.value_or(typical) > max_record) {
      c.Error(pp + "/record_size", "records of up to " + FormatBytes(largest.value_or(typical)) +
                                       " exceed the stream's max_record_size " +
                                       FormatBytes(max_record));
    }
    if (pr.api.type == ApiType::kPutRecords && typical > pr.api.max_batch_bytes) {
      c.Error(pp + "/api/max_batch_bytes", "a batch of " + FormatBytes(pr.api.max_batch_bytes) +
                                               " cannot hold one record of " +
                                               FormatBytes(typical));
    }
    if (pr.api.type == ApiType::kKpl && pr.api.aggregation) {
      kpl_aggregates = true;
      if (st.stream_ok && pr.api.aggregation_max_size_bytes > max_record) {
        c.Error(pp + "/api/aggregation_max_size",
                "aggregated records of up to " + FormatBytes(pr.api.aggregation_max_size_bytes) +
                    " exceed the stream's max_record_size " + FormatBytes(max_record));
      }
    }
    int64_t record = largest.value_or(typical);
    if (pr.api.type == ApiType::kKpl && pr.api.aggregation) {
      record = std::max(record, pr.api.aggregation_max_size_bytes);
    }
    largest_to_stream.emplace_back(pr.name, record);
  }

  int64_t efo_consumers = 0;
  for (size_t i = 0; i < s.consumers.size(); ++i) {
    if (!st.consumer_ok[i]) continue;
    const ConsumerSpec& k = s.consumers[i];
    const std::string kp = "/consumers/" + std::to_string(i);
    if (k.type == ConsumerType::kEfo ||
        (k.type == ConsumerType::kLambda && k.lambda.source == LambdaSource::kEfo)) {
      if (++efo_consumers == s.stream.max_efo_consumers + 1 && st.stream_ok) {
        c.Error(kp, "more enhanced fan-out consumers than the stream's max_efo_consumers (" +
                        std::to_string(s.stream.max_efo_consumers) + ")");
      }
    }
    if (k.type == ConsumerType::kLambda) {
      if (kpl_aggregates && k.lambda.parallelization_factor > 1) {
        c.Error(kp + "/parallelization_factor",
                "does not work with KPL-aggregated records (fact sheet 6); a producer here uses "
                "KPL aggregation");
      }
      for (const auto& [producer, bytes] : largest_to_stream) {
        if (4 * ((bytes + 2) / 3) > kLambdaMaxPayloadBytes) {
          c.Error(kp, "producer " + Quote(producer) + " writes records of up to " +
                          FormatBytes(bytes) + ", " + Base64Bytes(bytes) +
                          " bytes base64-encoded: no batch fits Lambda's 6MiB invocation "
                          "payload");
        }
      }
    }
    if (k.type == ConsumerType::kFirehose && k.firehose.source == FirehoseSource::kDirectPut) {
      if (k.name == kTargetStream) {
        c.Error(kp + "/name",
                "a direct_put firehose cannot be named \"stream\": producers use "
                "that target for the stream");
      } else if (targeted.count(k.name) == 0) {
        c.Error(kp + "/source",
                "no producer writes to this direct_put firehose (set a "
                "producer's \"target\" to " +
                    Quote(k.name) + ")");
      }
    }
  }
}

// ---------------------------------------------------------------- the scenario

std::optional<Scenario> ReadScenario(Context& c, const Json& root) {
  ErrorScope scope(c);
  Scenario s;
  if (root.is_object() && root.contains("$defs")) {  // e.g. `validate scenarios/*.json`
    c.Error("", "this is a JSON Schema (it has \"$defs\"), not a scenario");
    return std::nullopt;
  }
  ObjectReader r(c, root, "", "scenario");
  if (!r.is_object()) return std::nullopt;
  std::string schema;  // for editors; the loader has one format
  r.Optional("$schema", &schema, Text(0, 4096));
  r.Required("name", &s.name, Text(1, 256));
  r.Optional("description", &s.description, Text(0, 100'000));
  r.Optional("seed", &s.seed, Uint64());
  const bool duration_ok =
      r.Optional("duration", &s.duration, Duration(Seconds(1), Days(365))) || !r.Has("duration");
  if (duration_ok) c.run_duration = s.duration;
  if (r.Optional("warmup", &s.warmup, Duration(SimDuration::Zero(), Days(365))) && duration_ok &&
      s.warmup >= s.duration) {
    c.Error(r.Pointer("warmup"), "warmup " + FormatDuration(s.warmup) +
                                     " must be shorter than the duration " +
                                     FormatDuration(s.duration));
  }
  if (r.Optional("series_interval", &s.series_interval, Duration(Millis(1), Days(1))) ||
      !r.Has("series_interval")) {
    constexpr int64_t kMaxWindows = 1'000'000;
    if (duration_ok && s.duration.nanos() / s.series_interval.nanos() > kMaxWindows) {
      c.Error(r.Has("series_interval") ? r.Pointer("series_interval") : r.Pointer("duration"),
              "a series_interval of " + FormatDuration(s.series_interval) + " over " +
                  FormatDuration(s.duration) + " makes more than " + std::to_string(kMaxWindows) +
                  " time-series windows; use a longer interval");
    }
  }
  if (r.Optional("region", &s.region, Region())) c.region = s.region;

  ReadState st;
  if (r.Require("stream")) {
    ErrorScope stream_scope(c);
    r.Object("stream", [&](const Json& v, Ptr vp) { ReadStream(c, v, vp, &s.stream); });
    st.stream_ok = stream_scope.ok();
  }
  r.Require("producers");
  std::set<std::string> producer_names;
  r.Array("producers", 1, 1'000, [&](const Json& v, Ptr vp, size_t) {
    ErrorScope producer_scope(c);
    ProducerSpec producer = ReadProducer(c, v, vp);
    if (!producer.name.empty() && !producer_names.insert(producer.name).second) {
      c.Error(vp + "/name", "duplicate producer name " + Quote(producer.name));
    }
    s.producers.push_back(std::move(producer));
    st.producer_ok.push_back(producer_scope.ok());
  });
  std::set<std::string> consumer_names;
  r.Array("consumers", 0, 1'000, [&](const Json& v, Ptr vp, size_t) {
    ErrorScope consumer_scope(c);
    ConsumerSpec consumer = ReadConsumer(c, v, vp);
    if (!consumer.name.empty() && !consumer_names.insert(consumer.name).second) {
      c.Error(vp + "/name", "duplicate consumer name " + Quote(consumer.name));
    }
    s.consumers.push_back(std::move(consumer));
    st.consumer_ok.push_back(consumer_scope.ok());
  });
  r.Object("slos", [&](const Json& v, Ptr vp) {
    c.Feature(vp, kFeatureSlos);
    ReadSlos(c, v, vp, &s.slos.emplace());
  });
  r.Object("pricing", [&](const Json& v, Ptr vp) {
    c.Feature(vp, kFeaturePricing);
    ReadPricing(c, v, vp, &s.pricing.emplace());
  });
  r.Object("analysis", [&](const Json& v, Ptr vp) { ReadAnalysis(c, v, vp, &s.analysis); });
  CheckCrossRules(c, root, s, st);

  if (!scope.ok()) return std::nullopt;
  return s;
}

// ---------------------------------------------------------------- document order

// Sort key of a pointer: the position of each token in its object or array; tokens the document
// lacks (a missing required field) sort first within their parent.
std::vector<int64_t> DocumentPosition(const Json& root, const std::string& pointer) {
  std::vector<int64_t> position;
  const Json* node = &root;
  for (const std::string& token : SplitPointer(pointer)) {
    if (node == nullptr) {
      position.push_back(-1);
      continue;
    }
    int64_t index = -1;
    const Json* next = nullptr;
    if (node->is_object()) {
      int64_t i = 0;
      for (auto it = node->begin(); it != node->end(); ++it, ++i) {
        if (it.key() == token) {
          index = i;
          next = &it.value();
          break;
        }
      }
    } else if (node->is_array()) {
      size_t i = 0;
      const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
      if (ec == std::errc() && end == token.data() + token.size() && i < node->size()) {
        index = static_cast<int64_t>(i);
        next = &(*node)[i];
      }
    }
    position.push_back(index);
    node = next;
  }
  return position;
}

template <typename T>  // Diagnostic or FeatureUse
void SortByDocumentOrder(const Json& root, std::vector<T>* items) {
  std::vector<std::pair<std::vector<int64_t>, T>> keyed;
  keyed.reserve(items->size());
  for (T& d : *items) keyed.emplace_back(DocumentPosition(root, d.pointer), std::move(d));
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  items->clear();
  for (auto& [key, d] : keyed) items->push_back(std::move(d));
}

}  // namespace

// ---------------------------------------------------------------- public API

LoadResult LoadScenarioText(const std::string& text, const std::string& display_name,
                            const std::string& base_dir) {
  LoadResult result;
  result.file = display_name;
  Context c;
  c.base_dir = base_dir;
  try {
    std::optional<Json> root = ParseDocument(text, &c);
    if (root) {
      std::optional<Scenario> scenario = ReadScenario(c, *root);
      if (c.error_count() == 0) result.scenario = std::move(scenario);
      SortByDocumentOrder(*root, &c.errors);
      SortByDocumentOrder(*root, &c.features);
    }
  } catch (const std::exception& e) {  // a bug, but callers were promised no exceptions
    result.scenario.reset();
    c.errors.push_back({"", std::string("internal error while loading: ") + e.what(), 0, 0});
  }
  if (c.dropped_errors > 0) {
    c.errors.push_back(
        {"", "... and " + std::to_string(c.dropped_errors) + " more errors not shown", 0, 0});
  }
  result.errors = std::move(c.errors);
  result.features = std::move(c.features);
  return result;
}

LoadResult LoadScenarioFile(const std::string& path) {
  namespace fs = std::filesystem;
  LoadResult result;
  result.file = path;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    result.errors.push_back({"", "no such file", 0, 0});
    return result;
  }
  if (!fs::is_regular_file(status)) {
    result.errors.push_back({"", "not a regular file", 0, 0});
    return result;
  }
  const auto size = fs::file_size(path, ec);
  if (ec || size > static_cast<uintmax_t>(kMaxFileBytes)) {
    result.errors.push_back({"",
                             ec ? "cannot read the file: " + ec.message()
                                : "the file is " + FormatBytes(static_cast<int64_t>(size)) +
                                      "; a scenario may be at most " + FormatBytes(kMaxFileBytes),
                             0, 0});
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in || in.gcount() != static_cast<std::streamsize>(text.size())) {
    result.errors.push_back({"", "cannot read the file", 0, 0});
    return result;
  }
  const std::string base_dir = fs::path(path).parent_path().string();
  return LoadScenarioText(text, path, base_dir);
}

std::vector<Diagnostic> UnsupportedFeatures(const LoadResult& loaded,
                                            const std::set<std::string>& implemented) {
  std::vector<Diagnostic> out;
  for (const FeatureUse& use : loaded.features) {
    if (implemented.count(use.feature) == 0) {
      out.push_back({use.pointer, use.feature + " is not supported yet", 0, 0});
    }
  }
  return out;
}

std::map<std::string, ObjectTypeInfo> LoaderObjectTypes() { return Types(); }

}  // namespace shardsim
