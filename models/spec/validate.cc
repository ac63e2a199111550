// Validate: walks the scenario in the order of the format, checking each field's range, then the
// rules between fields, then the rules between producers, the stream and consumers. A rule runs
// only on values that were read without problems and passed their own checks, as the loader did
// when these rules lived in its readers. See validate.h.
#include "models/spec/validate.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>
#include <utility>

#include "models/spec/enum_names.h"
#include "models/spec/price_dimensions.h"
#include "models/spec/range.h"
#include "models/spec/units.h"
#include "sim/rng.h"

namespace shardsim {
namespace {

constexpr double kMaxRecordsPerSec = 1e8;
constexpr int64_t kMaxShards = 10'000;  // per stream (fact sheet 3)
constexpr int64_t kMaxRecordBytes = kLargestRecordBytes;
constexpr int64_t kPutRecordsMaxBytes = 5 * kMiB;     // request limit (fact sheet 1)
constexpr int64_t kLambdaMaxPayloadBytes = 6 * kMiB;  // synchronous invoke limit
constexpr int64_t kMaxBytesPerSec = int64_t{1} << 40;
constexpr int64_t kMaxWindows = 1'000'000;  // time-series windows per run

constexpr SimDuration Days(int64_t d) { return Hours(24 * d); }
constexpr SimDuration kZero = SimDuration::Zero();

// Ranges by shape: [lo, hi], (lo, hi], [lo, hi), (lo, hi).
template <typename T>
Range<T> Closed(T lo, T hi, std::string why = "") {
  return Range<T>{lo, hi, false, false, std::move(why)};
}
template <typename T>
Range<T> AboveUpTo(T lo, T hi) {
  return Range<T>{lo, hi, true, false};
}
template <typename T>
Range<T> UpToBelow(T lo, T hi) {
  return Range<T>{lo, hi, false, true};
}
template <typename T>
Range<T> Open(T lo, T hi) {
  return Range<T>{lo, hi, true, true};
}

enum class Whole { kAny, kSeconds, kHours, kKiB };

std::string FormatInt(int64_t v) { return std::to_string(v); }
std::string At(std::string_view base, std::string_view field) {
  std::string p(base);
  p += '/';
  p += field;
  return p;
}
std::string At(std::string_view base, size_t index) { return At(base, std::to_string(index)); }
// Pointers "ARRAY/INDEX/FIELD" built in one buffer, for arrays of up to a million items.
class ItemPointer {
 public:
  explicit ItemPointer(std::string array) : text_(std::move(array)) {
    text_ += '/';
    base_ = text_.size();
  }
  const std::string& Field(size_t index, std::string_view field) {
    text_.resize(base_);
    text_ += std::to_string(index);
    text_ += '/';
    text_ += field;
    return text_;
  }

 private:
  std::string text_;
  size_t base_ = 0;
};

std::string Base64Bytes(int64_t bytes) { return std::to_string(4 * ((bytes + 2) / 3)); }

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

// The fewest partition-key bytes a record carries: template key 0 is the shortest (one digit in
// every place), random keys are UUIDs; weighted keys count only those that can be drawn.
int64_t SmallestKeyBytes(const KeySpec& k) {
  const auto template_key = [&k] { return static_cast<int64_t>(KeyOf(k.format, 0).size()); };
  switch (k.dist) {
    case KeyDist::kRandom:
      return kRandomKeyBytes;
    case KeyDist::kWeighted: {
      int64_t smallest = 0;
      bool any = false;
      for (const WeightedKey& w : k.weighted_keys) {
        if (!(w.weight > 0)) continue;
        const auto bytes = static_cast<int64_t>(w.key.size());
        smallest = any ? std::min(smallest, bytes) : bytes;
        any = true;
      }
      return smallest;
    }
    case KeyDist::kHotKey:
      return k.hot_share >= 1 ? static_cast<int64_t>(k.hot_key.size())
                              : std::min(template_key(), static_cast<int64_t>(k.hot_key.size()));
    case KeyDist::kUniform:
    case KeyDist::kZipf:
    case KeyDist::kExplicitHashKey:
      return template_key();
  }
  return 0;
}

class Validator {
 public:
  Validator(const Scenario& s, const ValidationInput& in) : s_(s), in_(in) {}

  std::vector<Diagnostic> Run() {
    TopLevel();
    Stream();
    std::set<std::string, std::less<>> producer_names;
    for (size_t i = 0; i < s_.producers.size(); ++i) {
      Producer(At("/producers", i), s_.producers[i]);
      const std::string& name = s_.producers[i].name;
      if (!name.empty() && !producer_names.insert(name).second) {
        Error(At("/producers", i) + "/name", "duplicate producer name " + Quote(name));
      }
    }
    std::set<std::string, std::less<>> consumer_names;
    for (size_t i = 0; i < s_.consumers.size(); ++i) {
      Consumer(At("/consumers", i), s_.consumers[i]);
      const std::string& name = s_.consumers[i].name;
      if (!name.empty() && !consumer_names.insert(name).second) {
        Error(At("/consumers", i) + "/name", "duplicate consumer name " + Quote(name));
      }
    }
    Goals();
    CrossRules();
    SeriesBudget();
    return std::move(out_);
  }

 private:
  // ---------------------------------------------------------------- reporting

  void Error(std::string pointer, std::string message) {
    own_.Insert(pointer);
    out_.push_back({std::move(pointer), std::move(message), 0, 0});
  }
  // The input had a problem at, above or below `p`.
  bool Problem(std::string_view p) const { return in_.HasProblem(p); }
  // Neither the input nor a rule here found a problem at, above or below `p`.
  bool Clean(std::string_view p) const { return !in_.HasProblem(p) && !own_.Touches(p); }
  bool Written(std::string_view p, bool guess) const { return in_.Written(p).value_or(guess); }
  std::string Got(std::string_view p, std::string canonical) const {
    return in_.Spelling(p).value_or(std::move(canonical));
  }

  // ---------------------------------------------------------------- field checks
  // Each returns true if the field was read without problems and obeys its rule, so that later
  // rules may use its value.

  template <typename T, typename F>
  bool InRange(const std::string& p, const T& v, const Range<T>& r, F format,
               std::string canonical) {
    if (r.Contains(v)) return true;
    Error(p, "must be " + RangeText(r, format) + ", got " + Got(p, std::move(canonical)));
    return false;
  }

  bool Int(const std::string& p, int64_t v, const Range<int64_t>& r) {
    return !Problem(p) && InRange(p, v, r, FormatInt, std::to_string(v));
  }
  bool Number(const std::string& p, double v, const Range<double>& r) {
    return !Problem(p) && InRange(p, v, r, ShortNumber, ShortNumber(v));
  }
  bool Duration(const std::string& p, SimDuration v, const Range<SimDuration>& r,
                Whole whole = Whole::kAny) {
    if (Problem(p)) return false;
    const std::string canonical = Quote(FormatDuration(v));
    if (whole == Whole::kSeconds && v.nanos() % Seconds(1).nanos() != 0) {
      Error(p, "must be a whole number of seconds, got " + Got(p, canonical));
      return false;
    }
    if (whole == Whole::kHours && v.nanos() % Hours(1).nanos() != 0) {
      Error(p, "must be a whole number of hours, got " + Got(p, canonical));
      return false;
    }
    return InRange(p, v, r, FormatDuration, canonical);
  }
  bool Size(const std::string& p, int64_t v, const Range<int64_t>& r, Whole whole = Whole::kAny) {
    if (Problem(p)) return false;
    const std::string canonical = Quote(FormatBytes(v));
    if (whole == Whole::kKiB && v % kKiB != 0) {
      Error(p, "must be a whole number of KiB, got " + Got(p, canonical));
      return false;
    }
    return InRange(p, v, r, FormatBytes, canonical);
  }
  bool RecordRate(const std::string& p, double v, const Range<double>& r) {
    return !Problem(p) && InRange(p, v, r, FormatRecordRate, Quote(FormatRecordRate(v)));
  }
  bool ByteRate(const std::string& p, double v, const Range<double>& r) {
    return !Problem(p) && InRange(p, v, r, FormatByteRate, Quote(FormatByteRate(v)));
  }
  // Limits held as whole counts per second, written as rates ("1000/s").
  bool WholeRecordRate(const std::string& p, int64_t v, int64_t lo, int64_t hi) {
    return RecordRate(p, static_cast<double>(v),
                      Closed(static_cast<double>(lo), static_cast<double>(hi)));
  }
  bool WholeByteRate(const std::string& p, int64_t v, int64_t lo, int64_t hi) {
    return ByteRate(p, static_cast<double>(v),
                    Closed(static_cast<double>(lo), static_cast<double>(hi)));
  }

  // A time inside the run: [0, duration). Checked only once the duration is known to be valid.
  void InsideRun(const std::string& p, SimDuration at, std::string_view what) {
    if (run_duration_ && at >= *run_duration_) {
      Error(p, std::string(what) + " at " + FormatDuration(at) +
                   " is not before the end of the run (" + FormatDuration(*run_duration_) + ")");
    }
  }

  // ---------------------------------------------------------------- shared pieces

  // A latency: a duration (fixed, written as a plain string) or {dist: ...}.
  // Each rule is gated on its own fields: a latency that failed to read holds its default, which
  // obeys every rule.
  void Latency(const std::string& p, const LatencySpec& s, SimDuration max) {
    const Range<SimDuration> any = Closed(kZero, max);
    const Range<SimDuration> positive = AboveUpTo(kZero, max);
    switch (s.dist) {
      case LatencyDist::kFixed:
        Duration(Written(At(p, "value"), false) ? At(p, "value") : p, s.value, any);
        break;
      case LatencyDist::kUniform: {
        const bool min = Duration(At(p, "min"), s.min, any);
        const bool max_ok = Duration(At(p, "max"), s.max, any);
        if (min && max_ok && s.min > s.max) {
          Error(At(p, "min"),
                "min " + FormatDuration(s.min) + " is greater than max " + FormatDuration(s.max));
        }
        break;
      }
      case LatencyDist::kExponential:
        Duration(At(p, "mean"), s.mean, positive);
        break;
      case LatencyDist::kLognormal: {
        const bool median = Duration(At(p, "median"), s.median, positive);
        const bool p99 = Duration(At(p, "p99"), s.p99, positive);
        if (median && p99 && s.median >= s.p99) {
          Error(At(p, "p99"), "p99 " + FormatDuration(s.p99) + " must be greater than the median " +
                                  FormatDuration(s.median));
        }
        break;
      }
    }
  }

  // A record size: a size (fixed, written as a plain string) or {dist: ...}.
  void RecordSize(const std::string& p, const SizeSpec& s) {
    const std::string why = "the largest record Kinesis accepts";
    const Range<int64_t> any = Closed<int64_t>(0, kMaxRecordBytes, why);
    switch (s.dist) {
      case SizeDist::kFixed:
        Size(Written(At(p, "size"), false) ? At(p, "size") : p, s.size_bytes, any);
        break;
      case SizeDist::kUniform: {
        const bool min = Size(At(p, "min"), s.min_bytes, any);
        const bool max = Size(At(p, "max"), s.max_bytes, any);
        if (min && max && s.min_bytes > s.max_bytes) {
          Error(At(p, "min"), "min " + FormatBytes(s.min_bytes) + " is greater than max " +
                                  FormatBytes(s.max_bytes));
        }
        break;
      }
      case SizeDist::kLognormal: {
        const Range<int64_t> positive = Closed<int64_t>(1, kMaxRecordBytes, why);
        const bool median = Size(At(p, "median"), s.median_bytes, positive);
        const bool p99 = Size(At(p, "p99"), s.p99_bytes, positive);
        if (median && p99 && s.median_bytes >= s.p99_bytes) {
          Error(At(p, "p99"), "p99 " + FormatBytes(s.p99_bytes) +
                                  " must be greater than the median " +
                                  FormatBytes(s.median_bytes));
        }
        // max 0 = no cap.
        if (Written(At(p, "max"), s.max_bytes != 0) && Size(At(p, "max"), s.max_bytes, positive) &&
            median && s.max_bytes <= s.median_bytes) {
          Error(At(p, "max"), "the cap " + FormatBytes(s.max_bytes) +
                                  " must be greater than the median " +
                                  FormatBytes(s.median_bytes));
        }
        break;
      }
      case SizeDist::kEmpirical:
        break;
    }
  }

  // Where per_batch is: an invocation duration may be written as a plain duration (the value at
  // `p` itself) instead of a processing object.
  std::string PerBatch(const std::string& p) const {
    return Written(p, true) && !Written(At(p, "per_batch"), true) && in_.Spelling(p) &&
                   in_.Spelling(p)->starts_with('"')
               ? p
               : At(p, "per_batch");
  }

  // Returns whether per_batch is usable.
  bool Processing(const std::string& p, const ProcessingSpec& s) {
    const Range<SimDuration> any = Closed(kZero, Hours(1));
    const bool per_batch = Duration(PerBatch(p), s.per_batch, any);
    Duration(At(p, "per_record"), s.per_record, any);
    Duration(At(p, "per_mib"), s.per_mib, any);
    if (!Problem(At(p, "distribution")) && s.distribution == ProcessingDist::kLognormal) {
      Number(At(p, "p99_factor"), s.p99_factor, AboveUpTo(1.0, 100.0));
    }
    return per_batch;
  }

  // ---------------------------------------------------------------- the scenario

  void TopLevel() {
    const Scenario& s = s_;
    const bool duration = Duration("/duration", s.duration, Closed(Seconds(1), Days(365)));
    if (duration) run_duration_ = s.duration;
    if (Duration("/warmup", s.warmup, Closed(kZero, Days(365))) && duration &&
        s.warmup >= s.duration) {
      Error("/warmup", "warmup " + FormatDuration(s.warmup) +
                           " must be shorter than the duration " + FormatDuration(s.duration));
    }
    Int("/series_max_values", s.series_max_values,
        Closed<int64_t>(1'000, 100'000'000'000, "time-series values per run"));
    if (Duration("/series_interval", s.series_interval, Closed(Millis(1), Days(1))) && duration &&
        s.duration.nanos() / s.series_interval.nanos() > kMaxWindows) {
      const bool written =
          Written("/series_interval", s.series_interval != Scenario{}.series_interval);
      Error(written ? "/series_interval" : "/duration",
            "a series_interval of " + FormatDuration(s.series_interval) + " over " +
                FormatDuration(s.duration) + " makes more than " + std::to_string(kMaxWindows) +
                " time-series windows; use a longer interval");
    }
  }

  // The values (rows x columns) of every time-series table a run keeps until its end: per shard
  // time_s, records_in, bytes_in, throttled_records; per consumer 5 columns, an iterator age per
  // shard it reads, and 4 more for a Lambda mapping, 3 for a Firehose (README "Outputs"). Shards
  // are the stream's plus those resharding creates. Refused above series_max_values, so memory
  // stays bounded whatever the duration, interval and shard count.
  void SeriesBudget() {
    const Scenario& s = s_;
    if (!run_duration_ || !Clean("/duration") || !Clean("/series_interval") ||
        !Clean("/series_max_values") || !Clean("/stream") || s.series_interval <= kZero) {
      return;
    }
    int64_t shards = std::max<int64_t>(0, s.stream.shards);
    // At most: a split opens 2, a merge 1, an UpdateShardCount (splits to the target's ranges,
    // then merges) about twice its target.
    for (const ReshardSpec& r : s.stream.operations) {
      shards += r.action == ReshardAction::kSplit   ? 2
                : r.action == ReshardAction::kMerge ? 1
                                                    : 2 * std::max<int64_t>(0, r.target_shards);
    }
    int64_t columns = 4 * shards;
    for (const ConsumerSpec& c : s.consumers) {
      const bool direct_put =
          c.type == ConsumerType::kFirehose && c.firehose.source == FirehoseSource::kDirectPut;
      columns += 5 + (direct_put ? 1 : shards) + (c.type == ConsumerType::kLambda ? 4 : 0) +
                 (c.type == ConsumerType::kFirehose ? 3 : 0);
    }
    const int64_t interval = s.series_interval.nanos();
    const int64_t windows = (run_duration_->nanos() + interval - 1) / interval;
    // In 128 bits: up to 10^6 windows x ~10^7 columns.
    const Uint128 values = static_cast<Uint128>(windows) * static_cast<Uint128>(columns);
    if (columns == 0 || values <= static_cast<Uint128>(s.series_max_values)) return;
    // The shortest interval that fits: whole milliseconds, rounded up.
    const int64_t fit_windows = std::max<int64_t>(1, s.series_max_values / columns);
    const int64_t fit_ms = (run_duration_->nanos() / fit_windows + 999'999) / 1'000'000;
    Error("/series_interval",
          "a series_interval of " + FormatDuration(s.series_interval) + " over " +
              FormatDuration(*run_duration_) + " keeps " + std::to_string(windows) + " windows x " +
              std::to_string(columns) +
              " columns = " + std::to_string(static_cast<uint64_t>(values)) +
              " time-series values, more than series_max_values (" +
              std::to_string(s.series_max_values) +
              "; each takes about 25 bytes of memory until the run ends); use a series_interval "
              "of at least " +
              FormatDuration(Millis(std::max<int64_t>(fit_ms, 1))) +
              ", or raise series_max_values");
  }

  // ---------------------------------------------------------------- producers

  void Arrival(const std::string& p, const ArrivalSpec& a) {
    if (Problem(At(p, "process"))) return;  // the process is unknown: nothing else was read
    switch (a.process) {
      case ArrivalProcess::kConstant:
      case ArrivalProcess::kPoisson:
      case ArrivalProcess::kTrace:
        break;
      case ArrivalProcess::kDiurnal:
        Number(At(p, "peak_factor"), a.peak_factor, Closed(1.0, 2.0));
        Number(At(p, "peak_hour"), a.peak_hour, UpToBelow(0.0, 24.0));
        Number(At(p, "start_hour"), a.start_hour, UpToBelow(0.0, 24.0));
        Duration(At(p, "period"), a.period, Closed(Minutes(1), Days(365)));
        break;
      case ArrivalProcess::kSteps: {
        bool previous_ok = false;
        for (size_t i = 0; i < a.steps.size(); ++i) {
          const std::string sp = At(At(p, "steps"), i);
          const RateStep& step = a.steps[i];
          const bool at = Duration(At(sp, "at"), step.at, Closed(kZero, Days(365)));
          RecordRate(At(sp, "rate"), step.records_per_sec, Closed(0.0, kMaxRecordsPerSec));
          if (at) {
            InsideRun(At(sp, "at"), step.at, "a step");
            if (i > 0 && previous_ok && step.at <= a.steps[i - 1].at) {
              Error(At(sp, "at"),
                    "steps must be in increasing time order: " + FormatDuration(step.at) +
                        " is not after " + FormatDuration(a.steps[i - 1].at));
            }
          }
          previous_ok = at;
        }
        break;
      }
      case ArrivalProcess::kBursts:
        Duration(At(p, "on"), a.burst_on, AboveUpTo(kZero, Days(1)));
        Duration(At(p, "off"), a.burst_off, AboveUpTo(kZero, Days(1)));
        RecordRate(At(p, "burst_rate"), a.burst_records_per_sec, AboveUpTo(0.0, kMaxRecordsPerSec));
        break;
    }
  }

  void Keys(const std::string& p, const KeySpec& k) {
    if (Problem(At(p, "dist"))) return;
    const bool indexed = k.dist != KeyDist::kWeighted && k.dist != KeyDist::kRandom;
    if (indexed) {
      const bool count = Int(At(p, "count"), k.count, Closed<int64_t>(1, 100'000'000));
      const bool format = !Problem(At(p, "format"));
      if (count && format) {
        const std::string longest = KeyOf(k.format, k.count - 1);
        const std::string pointer =
            Written(At(p, "format"), k.format != KeySpec{}.format) ? At(p, "format") : p;
        if (k.count > 1 && k.format.find("{i}") == std::string::npos) {
          Error(pointer, "format " + Quote(k.format) + " has no \"{i}\": all " +
                             std::to_string(k.count) + " keys would be the same");
        } else if (CountChars(longest) > kPartitionKeyMaxChars) {
          Error(pointer, "key " + Quote(longest) + " is longer than the " +
                             std::to_string(kPartitionKeyMaxChars) +
                             " characters a partition key may have");
        }
      }
    }
    switch (k.dist) {
      case KeyDist::kUniform:
      case KeyDist::kRandom:
        break;
      case KeyDist::kZipf:
        Number(At(p, "exponent"), k.zipf_exponent, AboveUpTo(0.0, 10.0));
        break;
      case KeyDist::kHotKey:
        Number(At(p, "hot_share"), k.hot_share, AboveUpTo(0.0, 1.0));
        break;
      case KeyDist::kWeighted: {
        const Range<double> weight = Closed(0.0, 1e300);
        ItemPointer item(At(p, "keys"));
        std::unordered_set<std::string_view> seen;
        seen.reserve(k.weighted_keys.size());
        double total = 0;
        bool weights = true;
        for (size_t i = 0; i < k.weighted_keys.size(); ++i) {
          const WeightedKey& key = k.weighted_keys[i];
          if (!key.key.empty() && !seen.insert(key.key).second) {
            Error(item.Field(i, "key"), "duplicate key " + Quote(key.key));
          }
          weights = Number(item.Field(i, "weight"), key.weight, weight) && weights;
          total += key.weight;
        }
        if (!k.weighted_keys.empty() && weights && total <= 0) {
          Error(At(p, "keys"), "the weights sum to 0; at least one must be positive");
        }
        break;
      }
      case KeyDist::kExplicitHashKey: {
        const Range<double> weight = Closed(0.0, 1e300);
        ItemPointer item(At(p, "hash_keys"));
        double total = 0;
        bool weights = true;
        for (size_t i = 0; i < k.hash_keys.size(); ++i) {
          weights = Number(item.Field(i, "weight"), k.hash_keys[i].weight, weight) && weights;
          total += k.hash_keys[i].weight;
        }
        if (!k.hash_keys.empty() && weights && total <= 0) {
          Error(At(p, "hash_keys"), "the weights sum to 0; at least one must be positive");
        }
        break;
      }
    }
  }

  void Api(const std::string& p, const ApiSpec& a) {
    if (Problem(At(p, "type"))) return;
    Latency(At(p, "call_latency"), a.call_latency, Minutes(10));
    if (a.type != ApiType::kKpl) {
      Int(At(p, "max_in_flight_calls"), a.max_in_flight_calls, Closed<int64_t>(1, 10'000));
    }
    if (a.type == ApiType::kPutRecords) {
      Int(At(p, "max_batch_records"), a.max_batch_records,
          Closed<int64_t>(1, 500, "the PutRecords limit"));
      Size(At(p, "max_batch_bytes"), a.max_batch_bytes,
           Closed<int64_t>(1, kPutRecordsMaxBytes, "the PutRecords request limit"));
      Duration(At(p, "linger"), a.linger, Closed(kZero, Minutes(1)));
    }
    if (a.type == ApiType::kKpl) {
      // Ranges from the KPL's default_config.properties (fact sheet 8).
      Size(At(p, "aggregation_max_size"), a.aggregation_max_size_bytes,
           Closed<int64_t>(64, 10 * kMiB));
      Int(At(p, "aggregation_max_count"), a.aggregation_max_count,
          Closed<int64_t>(1, 4'294'967'295));
      Int(At(p, "collection_max_count"), a.collection_max_count, Closed<int64_t>(1, 500));
      Size(At(p, "collection_max_size"), a.collection_max_size_bytes,
           Closed<int64_t>(52'224, kPutRecordsMaxBytes, "the PutRecords request limit"));
      Duration(At(p, "record_max_buffered_time"), a.record_max_buffered_time,
               Closed(kZero, Minutes(10)));
      Int(At(p, "rate_limit_percent"), a.rate_limit_percent, Closed<int64_t>(1, 10'000));
      Duration(At(p, "record_ttl"), a.record_ttl, Closed(Millis(100), Days(1)));
      Int(At(p, "max_connections"), a.max_connections, Closed<int64_t>(1, 256));
    }
  }

  void Retry(const std::string& p, const RetrySpec& r) {
    Int(At(p, "max_attempts"), r.max_attempts, Closed<int64_t>(1, 100));
    const Range<SimDuration> delay = Closed(kZero, Hours(1));
    const bool base = Duration(At(p, "base_delay"), r.base_delay, delay);
    Number(At(p, "multiplier"), r.multiplier, Closed(1.0, 100.0));
    const bool max = Duration(At(p, "max_delay"), r.max_delay, delay);
    if (base && max && r.max_delay < r.base_delay) {
      const bool max_written = Written(At(p, "max_delay"), r.max_delay != RetrySpec{}.max_delay);
      Error(max_written ? At(p, "max_delay") : At(p, "base_delay"),
            "max_delay " + FormatDuration(r.max_delay) + " is less than base_delay " +
                FormatDuration(r.base_delay));
    }
    if (r.record_ttl) Duration(At(p, "record_ttl"), *r.record_ttl, AboveUpTo(kZero, Days(7)));
    Duration(At(p, "call_timeout"), r.call_timeout, AboveUpTo(kZero, Hours(1)));
  }

  void Producer(const std::string& p, const ProducerSpec& s) {
    Int(At(p, "instances"), s.instances, Closed<int64_t>(1, 1'000'000));
    Arrival(At(p, "arrival"), s.arrival);
    if (s.arrival.process != ArrivalProcess::kTrace) {  // with a trace, the trace gives the rate
      const bool may_be_zero = s.arrival.process == ArrivalProcess::kSteps ||
                               s.arrival.process == ArrivalProcess::kBursts;
      RecordRate(At(p, "rate"), s.records_per_sec,
                 may_be_zero ? Closed(0.0, kMaxRecordsPerSec) : AboveUpTo(0.0, kMaxRecordsPerSec));
    }
    RecordSize(At(p, "record_size"), s.record_size);
    Keys(At(p, "keys"), s.keys);
    Api(At(p, "api"), s.api);
    Retry(At(p, "retry"), s.retry);
  }

  // ---------------------------------------------------------------- stream

  void Stream() {
    const StreamSpec& s = s_.stream;
    const std::string p = "/stream";
    Int(At(p, "shards"), s.shards, Closed<int64_t>(1, kMaxShards, "per stream"));
    Duration(At(p, "retention"), s.retention, Closed(Hours(24), Hours(8760)), Whole::kHours);
    const bool max_record_size = Size(At(p, "max_record_size"), s.max_record_size_bytes,
                                      Closed(kMiB, 10 * kMiB), Whole::kKiB);

    const std::string wp = At(p, "write_limits");
    const WriteLimitsSpec& w = s.write_limits;
    WholeByteRate(At(wp, "bytes_per_s"), w.bytes_per_sec, 1, kMaxBytesPerSec);
    WholeRecordRate(At(wp, "records_per_s"), w.records_per_sec, 1, 1'000'000'000);
    if (w.admission == WriteAdmission::kTokenBucket) {
      Number(At(wp, "bucket_depth"), w.bucket_depth_sec, AboveUpTo(0.0, 3600.0));
    }
    Size(At(wp, "burst"), w.burst_bytes, Closed<int64_t>(1, int64_t{1} << 40));
    // Records up to the bytes limit need the sustained admission to hold one; larger ones (a
    // max_record_size over the bytes limit) come from the burst bucket, which must hold one.
    if (Clean(wp) && max_record_size && w.admission == WriteAdmission::kTokenBucket) {
      const int64_t largest = std::min(s.max_record_size_bytes, w.bytes_per_sec);
      const double capacity_bytes = w.bucket_depth_sec * static_cast<double>(w.bytes_per_sec);
      if (capacity_bytes < static_cast<double>(largest)) {
        Error(At(wp, "bucket_depth"),
              "a bucket of " + ShortNumber(w.bucket_depth_sec) + " s at " +
                  FormatByteRate(static_cast<double>(w.bytes_per_sec)) +
                  " holds less than one record of " +
                  (largest == s.max_record_size_bytes
                       ? "max_record_size " + FormatBytes(largest)
                       : FormatBytes(largest) + " (larger ones come from burst capacity)"));
      }
    }
    if (Clean(wp) && max_record_size && s.max_record_size_bytes > w.bytes_per_sec &&
        w.burst_bytes < s.max_record_size_bytes) {
      Error(At(wp, "burst"), "a burst of " + FormatBytes(w.burst_bytes) +
                                 " holds less than one record of max_record_size " +
                                 FormatBytes(s.max_record_size_bytes) +
                                 " (records over the bytes limit are served from burst capacity)");
    }

    const std::string rp = At(p, "read_limits");
    const ReadLimitsSpec& r = s.read_limits;
    Int(At(rp, "get_records_per_s"), r.get_records_per_sec, Closed<int64_t>(1, 1000));
    WholeByteRate(At(rp, "bytes_per_s"), r.bytes_per_sec, 1, kMaxBytesPerSec);
    Int(At(rp, "max_records_per_call"), r.max_records_per_call,
        Closed<int64_t>(1, 10'000, "the GetRecords Limit"));
    Size(At(rp, "max_bytes_per_call"), r.max_bytes_per_call, Closed<int64_t>(1, int64_t{1} << 30));
    Duration(At(rp, "penalty"), r.penalty, Closed(kZero, Hours(1)));

    if (s.propagation_delay) Latency(At(p, "propagation_delay"), *s.propagation_delay, Minutes(10));
    Int(At(p, "max_efo_consumers"), s.max_efo_consumers, Closed<int64_t>(1, 50));
    if (Problem(At(p, "mode"))) return;  // the mode is unknown: its fields were not read

    // On-demand settings: from the start or from a switch to on_demand.
    bool switches_to_on_demand = false;
    for (const ReshardSpec& o : s.operations) {
      switches_to_on_demand |=
          o.action == ReshardAction::kUpdateStreamMode && o.mode == StreamMode::kOnDemand;
    }
    if (s.mode == StreamMode::kOnDemand || switches_to_on_demand) OnDemand(p, s);

    if (s.mode == StreamMode::kProvisioned) {
      const std::string ap = At(p, "autoscaling");
      const AutoscalingSpec& a = s.autoscaling;
      Number(At(ap, "target_utilization"), a.target_utilization, AboveUpTo(0.0, 1.0));
      Duration(At(ap, "period"), a.period, Closed(Minutes(1), Hours(24)));
      Int(At(ap, "evaluation_periods"), a.evaluation_periods, Closed<int64_t>(1, 1000));
      Duration(At(ap, "cooldown"), a.cooldown, Closed(kZero, Days(1)));
      const bool min = Int(At(ap, "min_shards"), a.min_shards, Closed<int64_t>(1, kMaxShards));
      const bool max = Int(At(ap, "max_shards"), a.max_shards, Closed<int64_t>(1, kMaxShards));
      if (min && max && a.min_shards > a.max_shards) {
        Error(At(ap, "min_shards"), "min_shards " + std::to_string(a.min_shards) +
                                        " is greater than max_shards " +
                                        std::to_string(a.max_shards));
      }
      Duration(At(ap, "action_delay"), a.action_delay, Closed(kZero, Hours(24)));
      Autoscaling(ap, a, s.enhanced_monitoring);
    }

    const std::string op = At(p, "operations");
    bool switched = false;  // an update_stream_mode to provisioned came before
    for (size_t e = 0; e < s.operations.size(); ++e) {
      const std::string ep = At(op, e);
      Operation(ep, s.operations[e]);
      if (s.operations[e].action == ReshardAction::kUpdateStreamMode) {
        switched |= s.operations[e].mode == StreamMode::kProvisioned;
      } else if (s.mode == StreamMode::kOnDemand && !switched && !Problem(At(ep, "op"))) {
        Error(At(ep, "op"),
              "Kinesis refuses resharding an on-demand stream: this stream starts "
              "on_demand, so " +
                  std::string(Name(s.operations[e].action)) +
                  " needs an update_stream_mode to provisioned before it");
      }
      if (e > 0 && Clean(ep + "/at") && Clean(At(At(op, e - 1), "at")) &&
          s.operations[e].at < s.operations[e - 1].at) {
        Error(ep + "/at",
              "operations must be in time order: " + FormatDuration(s.operations[e].at) +
                  " is before " + FormatDuration(s.operations[e - 1].at));
      }
    }
    const std::string lp = At(p, "reshard_limits");
    const ReshardLimitsSpec& l = s.reshard_limits;
    Int(At(lp, "update_shard_count_per_24h"), l.update_shard_count_per_24h,
        Closed<int64_t>(1, 1'000'000));
    Int(At(lp, "max_shards"), l.max_shards, Closed<int64_t>(1, 1'000'000));
    Int(At(lp, "account_shard_quota"), l.account_shard_quota, Closed<int64_t>(1, 1'000'000));
    Int(At(lp, "mode_switches_per_24h"), l.mode_switches_per_24h, Closed<int64_t>(1, 1'000'000));
  }

  // On-demand scaling (fact sheet 5). A threshold at or above a shard's write limit would never
  // be crossed (a shard never takes more than its limit); merge thresholds at or above the split
  // thresholds would split the merged shard again.
  void OnDemand(const std::string& p, const StreamSpec& s) {
    const OnDemandSpec& o = s.on_demand;
    const std::string op = At(p, "on_demand");
    const std::string wp = At(p, "write_limits");
    const double bytes_limit = static_cast<double>(s.write_limits.bytes_per_sec);
    const double records_limit = static_cast<double>(s.write_limits.records_per_sec);
    const bool split_bytes = ByteRate(At(op, "split_threshold"), o.split_threshold_bytes_per_sec,
                                      Open(0.0, static_cast<double>(kMaxBytesPerSec)));
    const bool split_records =
        RecordRate(At(op, "split_threshold_records"), o.split_threshold_records_per_sec,
                   Open(0.0, kMaxRecordsPerSec));
    if (split_bytes && Clean(wp) && o.split_threshold_bytes_per_sec >= bytes_limit) {
      Error(At(op, "split_threshold"),
            "must be below the shard write limit write_limits.bytes_per_s " +
                FormatByteRate(bytes_limit) + " (a shard never takes more), got " +
                Quote(FormatByteRate(o.split_threshold_bytes_per_sec)));
    }
    if (split_records && Clean(wp) && o.split_threshold_records_per_sec >= records_limit) {
      Error(At(op, "split_threshold_records"),
            "must be below the shard write limit write_limits.records_per_s " +
                FormatRecordRate(records_limit) + " (a shard never takes more), got " +
                Quote(FormatRecordRate(o.split_threshold_records_per_sec)));
    }
    Duration(At(op, "split_delay"), o.split_delay, Closed(kZero, Days(1)));
    if (ByteRate(At(op, "max_write_throughput"), o.max_write_bytes_per_sec,
                 Closed(1.0, static_cast<double>(kMaxBytesPerSec))) &&
        Clean(wp) && Clean(At(p, "shards")) &&
        o.max_write_bytes_per_sec < bytes_limit * static_cast<double>(s.shards)) {
      Error(At(op, "max_write_throughput"), "must be at least the starting capacity, " +
                                                std::to_string(s.shards) + " shards x " +
                                                FormatByteRate(bytes_limit) + ", got " +
                                                Quote(FormatByteRate(o.max_write_bytes_per_sec)));
    }
    const bool merge_bytes = ByteRate(At(op, "merge_threshold"), o.merge_threshold_bytes_per_sec,
                                      Open(0.0, static_cast<double>(kMaxBytesPerSec)));
    const bool merge_records =
        RecordRate(At(op, "merge_threshold_records"), o.merge_threshold_records_per_sec,
                   Open(0.0, kMaxRecordsPerSec));
    if (merge_bytes && split_bytes &&
        o.merge_threshold_bytes_per_sec >= o.split_threshold_bytes_per_sec) {
      Error(At(op, "merge_threshold"), "must be below split_threshold " +
                                           FormatByteRate(o.split_threshold_bytes_per_sec) +
                                           " (the merged shard would be split again), got " +
                                           Quote(FormatByteRate(o.merge_threshold_bytes_per_sec)));
    }
    if (merge_records && split_records &&
        o.merge_threshold_records_per_sec >= o.split_threshold_records_per_sec) {
      Error(At(op, "merge_threshold_records"),
            "must be below split_threshold_records " +
                FormatRecordRate(o.split_threshold_records_per_sec) +
                " (the merged shard would be split again), got " +
                Quote(FormatRecordRate(o.merge_threshold_records_per_sec)));
    }
    Duration(At(op, "merge_after"), o.merge_after, Closed(Minutes(1), Days(365)));
  }

  // The policy's fields beyond the original target tracking (README "Autoscaling").
  void Autoscaling(const std::string& ap, const AutoscalingSpec& a, bool enhanced_monitoring) {
    if (Clean(At(ap, "period")) && a.period.nanos() % Minutes(1).nanos() != 0) {
      Error(At(ap, "period"),
            "a CloudWatch period of Kinesis metrics is a whole number of "
            "minutes, got " +
                FormatDuration(a.period));
    }
    if (Int(At(ap, "datapoints_to_alarm"), a.datapoints_to_alarm, Closed<int64_t>(0, 1000)) &&
        Clean(At(ap, "evaluation_periods")) && a.datapoints_to_alarm > a.evaluation_periods) {
      Error(At(ap, "datapoints_to_alarm"),
            "datapoints_to_alarm " + std::to_string(a.datapoints_to_alarm) +
                " is more than evaluation_periods " + std::to_string(a.evaluation_periods));
    }
    Duration(At(ap, "publication_delay"), a.publication_delay, Closed(kZero, Hours(1)));
    Duration(At(ap, "invocation_delay"), a.invocation_delay, Closed(kZero, Hours(1)));
    Duration(At(ap, "reshard_duration"), a.reshard_duration, AboveUpTo(kZero, Hours(24)));
    const bool merge =
        Number(At(ap, "merge_utilization"), a.merge_utilization, AboveUpTo(0.0, 1.0));
    if (Problem(At(ap, "policy")) || Problem(At(ap, "metric"))) return;
    const bool utilization =
        a.metric == ScalingMetric::kIncomingBytes || a.metric == ScalingMetric::kIncomingRecords;
    if (a.policy != ScalingPolicy::kStep && !utilization) {
      Error(
          At(ap, "metric"),
          std::string(a.policy == ScalingPolicy::kSplitMerge ? "split_merge" : "target_tracking") +
              " needs a metric with a per-shard capacity: incoming_bytes or incoming_records "
              "(step rules take any metric)");
    }
    if (a.policy != ScalingPolicy::kStep && !a.steps.empty()) {
      Error(At(ap, "steps"), "steps are rules of policy \"step\": remove them or set the policy");
    }
    if (a.policy == ScalingPolicy::kStep && a.steps.empty() && a.enabled) {
      Error(At(ap, "steps"), "policy \"step\" needs at least one step rule");
    }
    if (a.policy == ScalingPolicy::kSplitMerge && a.enabled && !enhanced_monitoring) {
      Error(At(ap, "policy"),
            "split_merge reads shard-level metrics: set stream.enhanced_monitoring to true "
            "(shard-level CloudWatch metrics are enhanced monitoring, billed per shard)");
    }
    if (a.policy == ScalingPolicy::kSplitMerge && merge && Clean(At(ap, "target_utilization")) &&
        a.merge_utilization >= a.target_utilization) {
      Error(At(ap, "merge_utilization"), "merge_utilization " + ShortNumber(a.merge_utilization) +
                                             " must be below target_utilization " +
                                             ShortNumber(a.target_utilization) +
                                             " (a merged shard would be split again)");
    }
    for (size_t i = 0; i < a.steps.size(); ++i) {
      const std::string sp = At(At(ap, "steps"), i);
      const ScalingStepSpec& st = a.steps[i];
      Number(At(sp, "threshold"), st.threshold,
             utilization ? AboveUpTo(0.0, 100.0) : Closed(0.0, 1e15));
      const bool change = Int(At(sp, "change"), st.change, Closed<int64_t>(-10'000, 10'000));
      const bool factor = Number(At(sp, "factor"), st.factor, Closed(0.0, 10.0));
      if (change && factor && (st.change == 0) == (st.factor == 0)) {
        Error(sp,
              "a step rule needs exactly one of change (a non-zero number of shards) and "
              "factor (a multiplier above 0)");
      } else if (factor && st.factor == 1) {
        Error(At(sp, "factor"), "a factor of 1 changes nothing");
      }
    }
  }

  // Whether Kinesis accepts an operation (open shards, adjacency, the split point inside the
  // shard, UpdateShardCount's bounds, the call limits) depends on the shards when it is called:
  // the run decides it and reports refusals as Kinesis returns them (models/stream/resharding.h).
  void Operation(const std::string& p, const ReshardSpec& r) {
    if (Duration(At(p, "at"), r.at, Closed(kZero, Days(365)))) {
      InsideRun(At(p, "at"), r.at, "an operation");
    }
    Duration(At(p, "duration"), r.duration, AboveUpTo(kZero, Hours(24)));
    if (Problem(At(p, "op"))) return;
    if (r.action == ReshardAction::kMerge && r.shard == r.adjacent_shard && r.shard >= 0) {
      Error(At(p, "adjacent"), "a shard cannot be merged with itself");
    }
    if (r.action == ReshardAction::kUpdateShardCount) {
      Int(At(p, "target"), r.target_shards, Closed<int64_t>(1, 1'000'000));
    }
  }

  // ---------------------------------------------------------------- consumers

  void Outages(const std::string& p, const std::vector<OutageSpec>& outages) {
    const Range<SimDuration> time = Closed(kZero, Days(365));
    bool previous_to = false;
    for (size_t i = 0; i < outages.size(); ++i) {
      const std::string op = At(p, i);
      const OutageSpec& o = outages[i];
      const bool from = Duration(At(op, "from"), o.from, time);
      const bool to = Duration(At(op, "to"), o.to, time);
      if (from) InsideRun(At(op, "from"), o.from, "an outage");
      if (from && to && o.to <= o.from) {
        Error(At(op, "to"), "the outage must end after it starts: " + FormatDuration(o.to) +
                                " is not after " + FormatDuration(o.from));
      } else if (from && previous_to && o.from < outages[i - 1].to) {
        Error(At(op, "from"),
              "outages must be in time order without overlap: " + FormatDuration(o.from) +
                  " is before the end of the previous one (" + FormatDuration(outages[i - 1].to) +
                  ")");
      }
      previous_to = to;
    }
  }

  void Kcl(const std::string& p, const KclSpec& k) {
    const bool workers = Int(At(p, "workers"), k.workers, Closed<int64_t>(1, 10'000));
    Int(At(p, "max_leases_per_worker"), k.max_leases_per_worker, Closed<int64_t>(1, 2'147'483'647));
    Duration(At(p, "idle_time_between_reads"), k.idle_time_between_reads,
             Closed(Millis(200), Hours(1), "the KCL minimum is 200ms"));
    Int(At(p, "max_records"), k.max_records, Closed<int64_t>(1, 10'000, "the GetRecords Limit"));
    const std::string cp = At(p, "checkpoint");
    Int(At(cp, "every_records"), k.checkpoint.every_records, Closed<int64_t>(0, 1'000'000'000));
    Duration(At(cp, "every"), k.checkpoint.every, Closed(kZero, Days(1)));
    Duration(At(p, "failover_time"), k.failover_time, AboveUpTo(kZero, Hours(1)));
    Latency(At(p, "call_latency"), k.call_latency, Minutes(10));
    for (size_t i = 0; i < k.worker_failures.size(); ++i) {
      const std::string fp = At(At(p, "worker_failures"), i);
      const WorkerFailure& f = k.worker_failures[i];
      if (Int(At(fp, "worker"), f.worker, Closed<int64_t>(0, 10'000)) && workers &&
          f.worker >= k.workers) {
        Error(At(fp, "worker"), "there are " + std::to_string(k.workers) +
                                    " workers, numbered from 0; got " + std::to_string(f.worker));
      }
      if (Duration(At(fp, "at"), f.at, Closed(kZero, Days(365)))) {
        InsideRun(At(fp, "at"), f.at, "a worker failure");
      }
    }
  }

  void Lambda(const std::string& p, const LambdaSpec& l) {
    Int(At(p, "batch_size"), l.batch_size, Closed<int64_t>(1, 10'000));
    Duration(At(p, "batching_window"), l.batching_window, Closed(kZero, Seconds(300)),
             Whole::kSeconds);
    Int(At(p, "parallelization_factor"), l.parallelization_factor, Closed<int64_t>(1, 10));

    const std::string fp = At(p, "function");
    const LambdaFunctionSpec& f = l.function;
    const std::string dp = At(fp, "duration");
    // Lambda's maximum function timeout is 900 s (AWS Lambda quotas); a longer invocation would
    // time out and fail every time.
    if (Processing(dp, f.duration) && f.duration.per_batch > Seconds(900)) {
      Error(PerBatch(dp),
            "a Lambda invocation runs at most 15min (the maximum function timeout), got " +
                FormatDuration(f.duration.per_batch));
    }
    Int(At(fp, "memory_mb"), f.memory_mb, Closed<int64_t>(128, 10'240));
    if (f.concurrency_limit) {
      Int(At(fp, "concurrency_limit"), *f.concurrency_limit, Closed<int64_t>(1, 1'000'000));
    }
    Number(At(fp, "error_rate"), f.error_rate, Closed(0.0, 1.0));
    for (size_t i = 0; i < f.poison_records.size(); ++i) {
      const std::string pp = At(At(fp, "poison_records"), i);
      if (Duration(At(pp, "at"), f.poison_records[i].at, Closed(kZero, Days(365)))) {
        InsideRun(At(pp, "at"), f.poison_records[i].at, "a poison record");
      }
    }

    Int(At(p, "maximum_retry_attempts"), l.maximum_retry_attempts, Closed<int64_t>(-1, 10'000));
    if (l.maximum_record_age) {
      Duration(At(p, "maximum_record_age"), *l.maximum_record_age,
               Closed(Seconds(60), Seconds(604'800)), Whole::kSeconds);
    }
    Duration(At(p, "tumbling_window"), l.tumbling_window, Closed(kZero, Seconds(900)),
             Whole::kSeconds);
  }

  void Firehose(const std::string& p, const FirehoseSpec& f) {
    const std::string bp = At(p, "buffering");
    // With format conversion the buffer must hold at least 64 MiB.
    if (Size(At(bp, "size"), f.buffering.size_bytes, Closed(kMiB, 128 * kMiB)) &&
        f.format_conversion.enabled && f.buffering.size_bytes < 64 * kMiB) {
      Error(At(bp, "size"), "format conversion needs a buffer size of at least 64MiB, got " +
                                FormatBytes(f.buffering.size_bytes));
    }
    Duration(At(bp, "interval"), f.buffering.interval, Closed(kZero, Seconds(900)),
             Whole::kSeconds);

    const std::string tp = At(p, "transform");
    const FirehoseTransformSpec& t = f.transform;
    Size(At(tp, "buffer_size"), t.buffer_size_bytes,
         Closed<int64_t>(200'000, 3'000'000, "the Lambda processor's 0.2 to 3 MB"));
    Duration(At(tp, "buffer_interval"), t.buffer_interval, Closed(kZero, Seconds(900)),
             Whole::kSeconds);
    const std::string dp = At(tp, "duration");
    if (Processing(dp, t.duration) && t.duration.per_batch > Minutes(5)) {  // fact sheet 7
      Error(PerBatch(dp), "a Firehose transform invocation runs at most 5min, got " +
                              FormatDuration(t.duration.per_batch));
    }
    Number(At(tp, "error_rate"), t.error_rate, Closed(0.0, 1.0));
    Int(At(tp, "retries"), t.retries, Closed<int64_t>(0, 300));

    const std::string zp = At(p, "compression");
    if (!Problem(At(zp, "codec")) && f.compression.codec != CompressionCodec::kNone) {
      Number(At(zp, "ratio"), f.compression.ratio, AboveUpTo(0.0, 1.0));
    }
    Int(At(At(p, "dynamic_partitioning"), "partitions"), f.dynamic_partitioning.partitions,
        Closed<int64_t>(1, 5'000, "the raised quota of active partitions"));

    const std::string dsp = At(p, "destination");
    Latency(At(dsp, "write_latency"), f.destination.write_latency, Hours(1));
    Number(At(dsp, "error_rate"), f.destination.error_rate, Closed(0.0, 1.0));
    Duration(At(dsp, "retry_duration"), f.destination.retry_duration, Closed(kZero, Hours(24)));

    if (f.source == FirehoseSource::kDirectPut) {
      const std::string lp = At(p, "direct_put_limits");
      WholeRecordRate(At(lp, "records_per_s"), f.direct_put_limits.records_per_sec, 1,
                      1'000'000'000);
      WholeRecordRate(At(lp, "requests_per_s"), f.direct_put_limits.requests_per_sec, 1,
                      100'000'000);
      WholeByteRate(At(lp, "bytes_per_s"), f.direct_put_limits.bytes_per_sec, 1, kMaxBytesPerSec);
    }
  }

  void Consumer(const std::string& p, const ConsumerSpec& c) {
    if (Problem(At(p, "type"))) return;  // the type is unknown: nothing else was read
    if (c.type != ConsumerType::kFirehose) {
      const std::string sp = At(p, "starting_position");
      if (c.starting_position.type == StartingPositionType::kAtTimestamp &&
          Duration(At(sp, "timestamp"), c.starting_position.timestamp, Closed(kZero, Days(365)))) {
        InsideRun(At(sp, "timestamp"), c.starting_position.timestamp, "the timestamp");
      }
      Outages(At(p, "outages"), c.outages);
    }
    if (c.type == ConsumerType::kPolling || c.type == ConsumerType::kKcl ||
        c.type == ConsumerType::kEfo) {
      Processing(At(p, "processing"), c.processing);
    }
    switch (c.type) {
      case ConsumerType::kPolling:
        Duration(At(p, "poll_interval"), c.polling.poll_interval, Closed(kZero, Hours(1)));
        Int(At(p, "max_records"), c.polling.max_records,
            Closed<int64_t>(1, 10'000, "the GetRecords Limit"));
        Latency(At(p, "call_latency"), c.polling.call_latency, Minutes(10));
        break;
      case ConsumerType::kKcl:
        Kcl(p, c.kcl);
        break;
      case ConsumerType::kEfo:
        Latency(At(p, "propagation_delay"), c.efo.propagation_delay, Minutes(10));
        Duration(At(p, "subscription_lifetime"), c.efo.subscription_lifetime,
                 AboveUpTo(kZero, Hours(1)));
        break;
      case ConsumerType::kLambda:
        Lambda(p, c.lambda);
        break;
      case ConsumerType::kFirehose:
        Firehose(p, c.firehose);
        break;
    }
  }

  // ---------------------------------------------------------------- goals and analysis

  void Goals() {
    if (s_.slos) {
      const SloSpec& s = *s_.slos;
      if (s.max_iterator_age) {
        Duration("/slos/max_iterator_age", *s.max_iterator_age, AboveUpTo(kZero, Days(365)));
      }
      if (s.p99_latency) {
        Duration("/slos/p99_latency", *s.p99_latency, AboveUpTo(kZero, Days(365)));
      }
      if (s.max_write_throttle_fraction) {
        Number("/slos/max_write_throttle_fraction", *s.max_write_throttle_fraction,
               Closed(0.0, 1.0));
      }
      if (s.max_monthly_cost_usd) {
        Number("/slos/max_monthly_cost_usd", *s.max_monthly_cost_usd, Closed(0.0, 1e12));
      }
      if (s.max_shard_utilization) {
        Number("/slos/max_shard_utilization", *s.max_shard_utilization, AboveUpTo(0.0, 1.0));
      }
    }
    if (s_.pricing) {
      std::vector<std::string> dimensions;
      for (const PriceDimensionInfo& d : kPriceDimensions) dimensions.emplace_back(d.name);
      for (const auto& [name, usd] : s_.pricing->overrides) {
        const std::string at = "/pricing/overrides/" + PointerToken(name);
        if (!PriceDimensionFromName(name)) {
          std::string message = "unknown price dimension " + Quote(name);
          if (auto close = ClosestName(name, dimensions)) {
            message += ", did you mean " + Quote(*close) + "?";
          } else {
            message += " (README \"Cost\" lists them)";
          }
          Error(at, message);
          continue;
        }
        Number(at, usd, Closed(0.0, 1e9));
      }
    }
    const AnalysisSpec& a = s_.analysis;
    Number("/analysis/hot_shard_threshold", a.hot_shard_threshold, AboveUpTo(0.0, 1.0));
    Number("/analysis/stream_utilization_threshold", a.stream_utilization_threshold,
           AboveUpTo(0.0, 1.0));
    Int("/analysis/top_keys", a.top_keys, Closed<int64_t>(0, 10'000));
  }

  // ---------------------------------------------------------------- cross-field rules

  // Rules that relate producers, the stream and consumers. Each producer and consumer takes part
  // only if nothing in it had a problem, and the stream's limits only if nothing in it did.
  void CrossRules() {
    const Scenario& s = s_;
    std::vector<bool> producer_ok, consumer_ok;
    for (size_t i = 0; i < s.producers.size(); ++i) {
      producer_ok.push_back(Clean(At("/producers", i)));
    }
    for (size_t i = 0; i < s.consumers.size(); ++i) {
      consumer_ok.push_back(Clean(At("/consumers", i)));
    }
    const bool stream_ok = Clean("/stream");
    if (!s.has_stream) NeedsAStream();

    std::map<std::string, size_t, std::less<>> consumer_index;
    for (size_t i = 0; i < s.consumers.size(); ++i) consumer_index.emplace(s.consumers[i].name, i);
    std::vector<std::string> firehose_names;
    for (const ConsumerSpec& k : s.consumers) {
      if (k.type == ConsumerType::kFirehose) firehose_names.push_back(k.name);
    }
    std::set<std::string, std::less<>> targeted;
    for (const ProducerSpec& pr : s.producers) targeted.insert(pr.target);
    bool kpl_aggregates = false;
    std::vector<std::pair<std::string, int64_t>> largest_to_stream;  // producer, largest record

    for (size_t i = 0; i < s.producers.size(); ++i) {
      if (!producer_ok[i]) continue;
      const ProducerSpec& pr = s.producers[i];
      const std::string pp = At("/producers", i);
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
          Error(pp + "/target", message);
          continue;
        }
        const ConsumerSpec& f = s.consumers[it->second];
        if (f.firehose.source != FirehoseSource::kDirectPut) {
          Error(pp + "/target", "firehose " + Quote(f.name) +
                                    " reads from the stream; set its "
                                    "\"source\" to \"direct_put\" to write to it directly");
          continue;
        }
        if (pr.api.type == ApiType::kKpl) {
          Error(pp + "/api/type", "the KPL writes only to Kinesis data streams, not to a firehose");
        }
        if (Written(pp + "/keys", pr.keys != KeySpec{})) {
          Error(pp + "/keys",
                "does not apply to a producer writing to a firehose: Firehose "
                "records have no partition key");
        }
        if (pr.api.type == ApiType::kPutRecords && pr.api.max_batch_bytes > kFirehoseBatchBytes) {
          Error(pp + "/api/max_batch_bytes",
                "must be at most 4MiB for a firehose (the PutRecordBatch limit), got " +
                    FormatBytes(pr.api.max_batch_bytes));
        }
        if (largest.value_or(typical) > kFirehoseMaxRecordBytes) {
          Error(pp + "/record_size", "records of up to " + FormatBytes(largest.value_or(typical)) +
                                         " exceed Firehose's 1000KiB record limit");
        }
        continue;
      }
      // Writes to the stream.
      const int64_t max_record = s.stream.max_record_size_bytes;
      if (stream_ok && largest.value_or(typical) > max_record) {
        Error(pp + "/record_size", "records of up to " + FormatBytes(largest.value_or(typical)) +
                                       " exceed the stream's max_record_size " +
                                       FormatBytes(max_record));
      } else if (const int64_t key = SmallestKeyBytes(pr.keys);
                 stream_ok && Clean(pp + "/keys") && typical + key > max_record) {
        // The limit counts the partition key too (fact sheet 1): a record of exactly
        // max_record_size is refused, and a run would drop every (or most) records as oversized.
        const bool median = pr.record_size.dist == SizeDist::kLognormal;
        Error(pp + "/record_size",
              std::string(median ? "half the records (the median, " : "every record (") +
                  FormatBytes(typical) + ") plus its partition key (at least " + FormatBytes(key) +
                  ") exceeds the stream's max_record_size " + FormatBytes(max_record) +
                  ", which counts data and key: " + (median ? "they" : "all") +
                  " would be dropped as oversized");
      }
      if (pr.api.type == ApiType::kPutRecords && typical > pr.api.max_batch_bytes) {
        Error(pp + "/api/max_batch_bytes", "a batch of " + FormatBytes(pr.api.max_batch_bytes) +
                                               " cannot hold one record of " +
                                               FormatBytes(typical));
      }
      if (pr.api.type == ApiType::kKpl && pr.api.aggregation) {
        kpl_aggregates = true;
        if (stream_ok && pr.api.aggregation_max_size_bytes > max_record) {
          Error(pp + "/api/aggregation_max_size",
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
      if (!consumer_ok[i]) continue;
      const ConsumerSpec& k = s.consumers[i];
      const std::string kp = At("/consumers", i);
      if (ReadsWithEnhancedFanOut(k)) {
        if (++efo_consumers == s.stream.max_efo_consumers + 1 && stream_ok) {
          Error(kp, "more enhanced fan-out consumers than the stream's max_efo_consumers (" +
                        std::to_string(s.stream.max_efo_consumers) + ")");
        }
      }
      if (k.type == ConsumerType::kLambda) {
        if (kpl_aggregates && k.lambda.parallelization_factor > 1) {
          Error(kp + "/parallelization_factor",
                "does not work with KPL-aggregated records (fact sheet 6); a producer here uses "
                "KPL aggregation");
        }
        for (const auto& [producer, bytes] : largest_to_stream) {
          if (4 * ((bytes + 2) / 3) > kLambdaMaxPayloadBytes) {
            Error(kp, "producer " + Quote(producer) + " writes records of up to " +
                          FormatBytes(bytes) + ", " + Base64Bytes(bytes) +
                          " bytes base64-encoded: no batch fits Lambda's 6MiB invocation "
                          "payload");
          }
        }
      }
      if (k.type == ConsumerType::kFirehose && k.firehose.source == FirehoseSource::kDirectPut) {
        if (k.name == kStreamTarget) {
          Error(kp + "/name",
                "a direct_put firehose cannot be named \"stream\": producers use "
                "that target for the stream");
        } else if (targeted.count(k.name) == 0) {
          Error(kp + "/source",
                "no producer writes to this direct_put firehose (set a "
                "producer's \"target\" to " +
                    Quote(k.name) + ")");
        }
      }
    }
  }

  // Without a "stream" section every producer must write to a firehose and no consumer may read
  // the stream: the first that does is named.
  void NeedsAStream() {
    std::string user;
    for (const ProducerSpec& p : s_.producers) {
      if (p.target.empty()) {
        user = "producer " + Quote(p.name) + " writes to it";
        break;
      }
    }
    for (size_t i = 0; i < s_.consumers.size() && user.empty(); ++i) {
      const ConsumerSpec& k = s_.consumers[i];
      if (k.type != ConsumerType::kFirehose || k.firehose.source != FirehoseSource::kDirectPut) {
        user = "consumer " + Quote(k.name) + " reads it";
      }
    }
    if (!user.empty()) {
      Error("/stream", "missing required field \"stream\": " + user +
                           " (only a scenario whose producers all write to direct_put firehoses "
                           "has no stream)");
    }
  }

  const Scenario& s_;
  const ValidationInput& in_;
  std::vector<Diagnostic> out_;
  PointerSet own_;                           // pointers of the problems found here
  std::optional<SimDuration> run_duration_;  // once known to be valid
};

}  // namespace

std::vector<Diagnostic> Validate(const Scenario& scenario, const ValidationInput& input) {
  return Validator(scenario, input).Run();
}

std::vector<Diagnostic> Validate(const Scenario& scenario) {
  return Validate(scenario, ValidationInput{});
}

std::string KeyOf(std::string_view format, int64_t index) {
  std::string out;
  const std::string digits = std::to_string(index);
  size_t pos = 0;
  while (true) {
    const size_t hit = format.find("{i}", pos);
    out.append(format.substr(pos, hit - pos));
    if (hit == std::string_view::npos) break;
    out += digits;
    pos = hit + 3;
  }
  return out;
}

}  // namespace shardsim
