// RateProfile building (spec and trace CSV to segments), its queries, and the generator's slow
// path. Building reads files; everything after is pure. See arrivals.h for the rules.
#include "models/traffic/arrivals.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "models/spec/csv_reader.h"
#include "sim/check.h"

namespace shardsim {
namespace {

constexpr int64_t kMinuteNs = int64_t{60} * 1'000'000'000;

bool IsRate(double r) { return std::isfinite(r) && r >= 0; }

std::string Num(double v) {
  std::string s = std::to_string(v);
  // to_string prints 6 decimals; drop the zeros so messages read "got -1", not "got -1.000000".
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// Expected count of the diurnal profile over [a_ns, b_ns) (cycle offsets):
// rate * integral of (1 + A cos theta(t)) dt with theta(t) = 2*pi*(offset_s + t) / period_s.
// sin(theta_b) - sin(theta_a) = 2 cos(theta_mid) sin((theta_b - theta_a) / 2) avoids cancellation.
double DiurnalCount(double rate, double amplitude, double offset_s, double period_s, int64_t a_ns,
                    int64_t b_ns) {
  const double length_s = static_cast<double>(b_ns - a_ns) * 1e-9;
  const double mid_s = (static_cast<double>(a_ns) + static_cast<double>(b_ns)) * 0.5e-9;
  double phase = std::fmod(offset_s + mid_s, period_s) / period_s;
  if (phase < 0) phase += 1.0;
  const double wave = (period_s / std::numbers::pi) * std::cos(2.0 * std::numbers::pi * phase) *
                      std::sin(std::numbers::pi * length_s / period_s);
  return std::max(0.0, rate * (length_s + amplitude * wave));
}

enum class TraceColumn { kNone, kTime, kRecords, kRecordsPerSec, kBytes, kBytesPerSec };

TraceColumn ColumnKind(const std::string& name) {
  if (name == "time" || name == "t") return TraceColumn::kTime;
  if (name == "records") return TraceColumn::kRecords;
  if (name == "records_per_s") return TraceColumn::kRecordsPerSec;
  if (name == "bytes") return TraceColumn::kBytes;
  if (name == "bytes_per_s") return TraceColumn::kBytesPerSec;
  return TraceColumn::kNone;
}

struct TraceRow {
  double records_per_sec;
  double mean_record_bytes;  // -1 = none
};

struct Trace {
  std::vector<TraceRow> rows;
  bool has_bytes = false;
};

Parsed<Trace> ReadTrace(const std::string& path, double resolution_s) {
  Parsed<CsvTable> csv = ReadCsvFile(path, "time,records,bytes");
  if (!csv.ok()) return Parsed<Trace>::Failure(csv.error);
  const CsvTable& table = *csv.value;
  int time_col = -1;
  int records_col = -1;
  int bytes_col = -1;
  bool records_are_rates = false;
  bool bytes_are_rates = false;
  for (size_t i = 0; i < table.header.size(); ++i) {
    const std::string& name = table.header[i];
    const int col = static_cast<int>(i);
    switch (ColumnKind(name)) {
      case TraceColumn::kTime:
        if (i != 0 || time_col >= 0) {
          return Parsed<Trace>::Failure(CsvError(
              path, table.header_line, "column \"" + name + "\" must be the first column"));
        }
        time_col = col;
        break;
      case TraceColumn::kRecords:
      case TraceColumn::kRecordsPerSec:
        if (records_col >= 0) {
          return Parsed<Trace>::Failure(
              CsvError(path, table.header_line,
                       "two record columns (\"" + table.header[static_cast<size_t>(records_col)] +
                           "\" and \"" + name + "\"): use one of records or records_per_s"));
        }
        records_col = col;
        records_are_rates = ColumnKind(name) == TraceColumn::kRecordsPerSec;
        break;
      case TraceColumn::kBytes:
      case TraceColumn::kBytesPerSec:
        if (bytes_col >= 0) {
          return Parsed<Trace>::Failure(
              CsvError(path, table.header_line,
                       "two byte columns (\"" + table.header[static_cast<size_t>(bytes_col)] +
                           "\" and \"" + name + "\"): use one of bytes or bytes_per_s"));
        }
        bytes_col = col;
        bytes_are_rates = ColumnKind(name) == TraceColumn::kBytesPerSec;
        break;
      case TraceColumn::kNone:
        return Parsed<Trace>::Failure(
            CsvError(path, table.header_line,
                     "unknown column \"" + name +
                         "\" (expected records or records_per_s, optional bytes or bytes_per_s, "
                         "optional leading time or t)"));
    }
  }
  if (records_col < 0) {
    return Parsed<Trace>::Failure(
        CsvError(path, table.header_line, "missing column \"records\" (or \"records_per_s\")"));
  }
  if (table.rows.empty()) {
    return Parsed<Trace>::Failure(
        CsvError(path, table.header_line, "no data rows after the header"));
  }

  Trace trace;
  trace.has_bytes = bytes_col >= 0;
  trace.rows.reserve(table.rows.size());
  double expected_time = 0;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const CsvRow& row = table.rows[r];
    auto number = [&](int col, double& out) -> std::string {
      const std::string& field = row.fields[static_cast<size_t>(col)];
      const std::string& name = table.header[static_cast<size_t>(col)];
      const std::optional<double> v = ParseCsvNumber(field);
      if (!v || (col != time_col && *v < 0)) {
        std::string message =
            v ? "expected a number >= 0 in column \"" : "expected a number in column \"";
        message += name;
        message += "\", got \"";
        message += field;
        message += '"';
        return CsvError(path, row.line, message);
      }
      out = *v;
      return "";
    };
    if (time_col >= 0) {
      double time_s = 0;
      if (std::string err = number(time_col, time_s); !err.empty())
        return Parsed<Trace>::Failure(err);
      // Absolute tolerance: epoch-sized timestamps (1.7e9 s) are exact in a double, and a
      // relative one would let a skipped second through.
      if (r > 0 && std::fabs(time_s - expected_time) > 1e-6) {
        return Parsed<Trace>::Failure(
            CsvError(path, row.line,
                     "column \"" + table.header[0] + "\" must increase by " + Num(resolution_s) +
                         " (the trace resolution, in seconds) per row: expected " +
                         Num(expected_time) + ", got \"" + row.fields[0] + "\""));
      }
      expected_time = time_s + resolution_s;
    }
    double records = 0;
    if (std::string err = number(records_col, records); !err.empty())
      return Parsed<Trace>::Failure(err);
    const double rate = records_are_rates ? records : records / resolution_s;
    // The limits of the JSON fields hold for the trace too: a group's rate, a record's size.
    const std::string& records_name = table.header[static_cast<size_t>(records_col)];
    if (rate > kLargestGroupRecordsPerSec) {
      return Parsed<Trace>::Failure(CsvError(
          path, row.line,
          "column \"" + records_name + "\" must be at most " +
              Num(kLargestGroupRecordsPerSec * (records_are_rates ? 1.0 : resolution_s)) +
              (records_are_rates ? "" : " per row") + " (" + Num(kLargestGroupRecordsPerSec) +
              " records per second, the largest group rate), got " +
              row.fields[static_cast<size_t>(records_col)]));
    }
    double mean_bytes = -1;
    if (bytes_col >= 0) {
      double bytes = 0;
      if (std::string err = number(bytes_col, bytes); !err.empty())
        return Parsed<Trace>::Failure(err);
      const double byte_rate = bytes_are_rates ? bytes : bytes / resolution_s;
      if (rate > 0) mean_bytes = byte_rate / rate;
      if (mean_bytes > static_cast<double>(kLargestRecordBytes)) {
        const std::string& bytes_name = table.header[static_cast<size_t>(bytes_col)];
        return Parsed<Trace>::Failure(CsvError(
            path, row.line,
            "column \"" + bytes_name + "\" over column \"" + records_name +
                "\" gives a mean record size of " + row.fields[static_cast<size_t>(bytes_col)] +
                " / " + row.fields[static_cast<size_t>(records_col)] +
                " bytes, over the largest record Kinesis accepts (" +
                FormatBytes(kLargestRecordBytes) + ")"));
      }
    }
    trace.rows.push_back(TraceRow{rate, mean_bytes});
  }
  Parsed<Trace> out;
  out.value = std::move(trace);
  return out;
}

}  // namespace

void RateProfile::Add(int64_t start_ns, int64_t length_ns, double count, double mean_record_bytes) {
  SHARDSIM_CHECK(length_ns > 0, "segments are non-empty");
  SHARDSIM_CHECK(start_ns == horizon_ns_, "segments are contiguous");
  SHARDSIM_CHECK(std::isfinite(count) && count >= 0, "segment counts are finite and >= 0");
  SHARDSIM_CHECK(segments_.size() < std::numeric_limits<uint32_t>::max(), "too many segments");
  const double ns_per_record =
      count > 0 ? static_cast<double>(length_ns) / count : std::numeric_limits<double>::infinity();
  segments_.push_back(Segment{start_ns, length_ns, count, ns_per_record, mean_record_bytes});
  if (cum_.empty()) cum_.push_back(0.0);
  cum_.push_back(cum_.back() + count);
  horizon_ns_ = start_ns + length_ns;
}

void RateProfile::Finish(int64_t cycle_ns, bool periodic) {
  if (cum_.empty()) cum_.push_back(0.0);
  cycle_count_ = cum_.back();
  cycle_ns_ = cycle_ns;
  periodic_ = periodic && cycle_ns > 0 && cycle_ns < end_ns_;
  SHARDSIM_CHECK(horizon_ns_ == std::min(cycle_ns, end_ns_), "segments cover the stored cycle");
}

Parsed<RateProfile> RateProfile::FromSpec(const ProducerSpec& producer, SimDuration run_duration) {
  return FromSpec(producer.arrival, producer.records_per_sec, run_duration);
}

Parsed<RateProfile> RateProfile::FromSpec(const ArrivalSpec& arrival, double records_per_sec,
                                          SimDuration run_duration) {
  if (run_duration < SimDuration::Zero()) {
    return Parsed<RateProfile>::Failure("arrival: run duration must be >= 0");
  }
  const bool is_trace = arrival.process == ArrivalProcess::kTrace;
  if (!is_trace && !IsRate(records_per_sec)) {
    return Parsed<RateProfile>::Failure("arrival: records_per_sec must be finite and >= 0, got " +
                                        Num(records_per_sec));
  }
  RateProfile p;
  p.process_ = arrival.process;
  p.end_ns_ = run_duration.nanos();
  const int64_t end = p.end_ns_;
  // Appends [a, b) ∩ [0, end) at a constant rate.
  auto add_rate = [&p, end](int64_t a, int64_t b, double rate, double mean_bytes = -1.0) {
    b = std::min(b, end);
    if (a < b) p.Add(a, b - a, rate * static_cast<double>(b - a) * 1e-9, mean_bytes);
  };

  switch (arrival.process) {
    case ArrivalProcess::kConstant:
    case ArrivalProcess::kPoisson:
      add_rate(0, end, records_per_sec);
      p.Finish(end, false);
      break;

    case ArrivalProcess::kSteps: {
      int64_t from = 0;
      double rate = records_per_sec;
      for (size_t i = 0; i < arrival.steps.size(); ++i) {
        const RateStep& step = arrival.steps[i];
        const std::string where = "arrival.steps[" + std::to_string(i) + "]";
        if (step.at.nanos() < from || (i > 0 && step.at.nanos() == from)) {
          return Parsed<RateProfile>::Failure(where +
                                              ".at must be >= 0 and after the previous step");
        }
        if (!IsRate(step.records_per_sec)) {
          return Parsed<RateProfile>::Failure(
              where + ".records_per_sec must be finite and >= 0, got " + Num(step.records_per_sec));
        }
        add_rate(from, step.at.nanos(), rate);
        from = step.at.nanos();
        rate = step.records_per_sec;
      }
      if (from < end) add_rate(from, end, rate);
      p.Finish(end, false);
      break;
    }

    case ArrivalProcess::kBursts: {
      const int64_t on = arrival.burst_on.nanos();
      const int64_t off = arrival.burst_off.nanos();
      if (on <= 0 || off < 0) {
        return Parsed<RateProfile>::Failure("arrival: burst_on must be > 0 and burst_off >= 0");
      }
      if (!IsRate(arrival.burst_records_per_sec)) {
        return Parsed<RateProfile>::Failure(
            "arrival.burst_records_per_sec must be finite and >= 0, got " +
            Num(arrival.burst_records_per_sec));
      }
      add_rate(0, on, arrival.burst_records_per_sec);
      if (off > 0 && on < end) add_rate(on, on + off, records_per_sec);
      p.Finish(on + off, true);
      break;
    }

    case ArrivalProcess::kDiurnal: {
      const int64_t period = arrival.period.nanos();
      if (period <= 0) return Parsed<RateProfile>::Failure("arrival.period must be > 0");
      if (!(arrival.peak_factor >= 1.0 && arrival.peak_factor <= 2.0)) {
        return Parsed<RateProfile>::Failure("arrival.peak_factor must be in [1, 2], got " +
                                            Num(arrival.peak_factor));
      }
      if (!std::isfinite(arrival.peak_hour) || !std::isfinite(arrival.start_hour)) {
        return Parsed<RateProfile>::Failure("arrival: peak_hour and start_hour must be finite");
      }
      const double amplitude = arrival.peak_factor - 1.0;
      const double offset_s = (arrival.start_hour - arrival.peak_hour) * 3600.0;
      const double period_s = static_cast<double>(period) * 1e-9;
      const int64_t stored = std::min(period, end);
      for (int64_t a = 0; a < stored; a += kMinuteNs) {
        const int64_t b = std::min(a + kMinuteNs, stored);
        p.Add(a, b - a, DiurnalCount(records_per_sec, amplitude, offset_s, period_s, a, b), -1.0);
      }
      p.Finish(period, true);
      break;
    }

    case ArrivalProcess::kTrace: {
      const bool minutes = arrival.trace_resolution == TraceResolution::kMinute;
      const int64_t resolution_ns = minutes ? kMinuteNs : int64_t{1'000'000'000};
      Parsed<Trace> trace = ReadTrace(arrival.trace_file, minutes ? 60.0 : 1.0);
      if (!trace.ok()) return Parsed<RateProfile>::Failure(trace.error);
      const std::vector<TraceRow>& rows = trace.value->rows;
      if (static_cast<double>(rows.size()) * static_cast<double>(resolution_ns) > 0x1.0p62) {
        return Parsed<RateProfile>::Failure(arrival.trace_file + ": trace too long");
      }
      p.has_record_bytes_ = trace.value->has_bytes;
      const int64_t length = static_cast<int64_t>(rows.size()) * resolution_ns;
      for (size_t i = 0; i < rows.size(); ++i) {
        const int64_t a = static_cast<int64_t>(i) * resolution_ns;
        if (a >= end) break;
        add_rate(a, a + resolution_ns, rows[i].records_per_sec, rows[i].mean_record_bytes);
      }
      p.Finish(length, arrival.trace_loop);
      break;
    }
  }
  Parsed<RateProfile> out;
  out.value = std::move(p);
  return out;
}

size_t RateProfile::SegmentAt(int64_t r) const {
  const auto it = std::upper_bound(segments_.begin(), segments_.end(), r,
                                   [](int64_t x, const Segment& s) { return x < s.start_ns; });
  return static_cast<size_t>(it - segments_.begin()) - 1;
}

int64_t RateProfile::SegmentIndexAt(SimTime t) const {
  const int64_t ns = t.nanos();
  if (ns < 0 || ns >= end_ns_) return -1;
  const int64_t r = periodic_ ? ns % cycle_ns_ : ns;
  if (r >= horizon_ns_) return -1;
  return static_cast<int64_t>(SegmentAt(r));
}

double RateProfile::RatePerSecAt(SimTime t) const {
  const int64_t i = SegmentIndexAt(t);
  if (i < 0) return 0.0;
  const Segment& s = segments_[static_cast<size_t>(i)];
  return s.count / (static_cast<double>(s.length_ns) * 1e-9);
}

double RateProfile::MeanRecordBytesAt(SimTime t) const {
  const int64_t i = SegmentIndexAt(t);
  return i < 0 ? -1.0 : segments_[static_cast<size_t>(i)].mean_record_bytes;
}

double RateProfile::CumulativeCount(int64_t t_ns) const {
  const int64_t t = std::clamp<int64_t>(t_ns, 0, end_ns_);
  double base = 0;
  int64_t r = t;
  if (periodic_) {
    const int64_t cycles = t / cycle_ns_;
    base = static_cast<double>(cycles) * cycle_count_;
    r = t - cycles * cycle_ns_;
  }
  if (r >= horizon_ns_) return base + cycle_count_;
  const size_t i = SegmentAt(r);
  const Segment& s = segments_[i];
  return base + cum_[i] +
         s.count * (static_cast<double>(r - s.start_ns) / static_cast<double>(s.length_ns));
}

double RateProfile::ExpectedCount(SimTime a, SimTime b) const {
  SHARDSIM_CHECK(a <= b, "ExpectedCount needs a <= b");
  return CumulativeCount(b.nanos()) - CumulativeCount(a.nanos());
}

double RateProfile::MeanRatePerSec() const {
  if (end_ns_ == 0) return 0.0;
  return CumulativeCount(end_ns_) / (static_cast<double>(end_ns_) * 1e-9);
}

ArrivalGenerator::ArrivalGenerator(const RateProfile& profile, double share)
    : profile_(&profile), inv_share_(1.0 / share) {
  SHARDSIM_CHECK(std::isfinite(share) && share > 0 && share <= 1, "share must be in (0, 1]");
  if (!(profile.cycle_count_ > 0)) {
    mode_ = Mode::kDone;
  } else if (profile.process_ == ArrivalProcess::kConstant) {
    mode_ = Mode::kConstantFirst;
  } else {
    mode_ = Mode::kPoisson;
  }
}

SimTime ArrivalGenerator::Advance() {
  const RateProfile& p = *profile_;
  // w: group expected records from the cycle start to the arrival. Rounding is monotone, so w is
  // at least cum_[segment_ + 1] and the search below never moves backwards.
  double w = p.cum_[segment_] + v_;
  if (!(w < p.cycle_count_)) {
    if (!p.periodic_) return Done();
    // Skip whole cycles at once: an instance with a tiny share may sleep through many of them.
    const double cycles = std::floor(w / p.cycle_count_);
    const int64_t cycles_left = (p.end_ns_ - cycle_start_ns_ + p.cycle_ns_ - 1) / p.cycle_ns_;
    if (cycles >= static_cast<double>(cycles_left)) return Done();
    cycle_start_ns_ += static_cast<int64_t>(cycles) * p.cycle_ns_;
    w = std::max(0.0, w - cycles * p.cycle_count_);
    while (!(w < p.cycle_count_)) {  // w / cycle_count_ rounded down past an integer
      w -= p.cycle_count_;
      cycle_start_ns_ += p.cycle_ns_;
    }
    if (cycle_start_ns_ >= p.end_ns_) return Done();
  }
  const size_t n = p.segments_.size();
  // The last segment starting at or below w; zero-count segments share their cum_ with the next
  // one, so upper_bound passes over them.
  const size_t i = static_cast<size_t>(
                       std::upper_bound(p.cum_.begin(), p.cum_.begin() + static_cast<long>(n), w) -
                       p.cum_.begin()) -
                   1;
  const RateProfile::Segment& s = p.segments_[i];
  segment_ = static_cast<uint32_t>(i);
  v_ = std::min(w - p.cum_[i], s.count);
  const int64_t t = cycle_start_ns_ + s.start_ns + s.Offset(v_);
  if (t >= p.end_ns_) return Done();
  return SimTime::FromNanos(t);
}

}  // namespace shardsim
