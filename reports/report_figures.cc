// Derived figures for the report and the comparison. See report_figures.h.
#include "reports/report_figures.h"

#include <algorithm>
#include <cmath>

#include "models/result/format.h"
#include "models/spec/units.h"
#include "reports/csv_writer.h"

namespace shardsim::report {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

const SeriesTable* SeriesByName(const RunResult& r, const std::string& name) {
  SeriesTable probe;
  probe.name = name;
  const std::string path = SeriesPath(probe);
  for (const SeriesTable& t : r.series) {
    if (SeriesPath(t) == path) return t.columns.empty() ? nullptr : &t;
  }
  return nullptr;
}

}  // namespace

bool HashKeyLess(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

double HashKeyFraction(std::string_view key) {
  double v = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nan("");
    v = v * 10 + (c - '0');
  }
  return v / std::ldexp(1.0, 128);
}

std::vector<const ShardResult*> ShardsInHashOrder(const RunResult& r) {
  std::vector<const ShardResult*> out;
  out.reserve(r.shards.size());
  for (const ShardResult& s : r.shards) out.push_back(&s);
  std::stable_sort(out.begin(), out.end(), [](const ShardResult* a, const ShardResult* b) {
    if (a->starting_hash_key != b->starting_hash_key) {
      return HashKeyLess(a->starting_hash_key, b->starting_hash_key);
    }
    return a->index < b->index;
  });
  return out;
}

ShardLoad PeakLoad(const RunResult& r, const ShardResult& s) {
  auto ratio = [](double peak, double limit) {
    return std::isfinite(peak) && std::isfinite(limit) && limit > 0 && peak > 0 ? peak / limit
                                                                                : 0.0;
  };
  // Demand (first attempts) as the summary ranks shards; results without it fall back to the
  // offered load.
  const double records = s.first_attempts > 0
                             ? s.peak_demand_records_per_s
                             : std::max(s.peak_records_per_s, s.peak_offered_records_per_s);
  const double bytes = s.first_attempts > 0
                           ? s.peak_demand_bytes_per_s
                           : std::max(s.peak_bytes_per_s, s.peak_offered_bytes_per_s);
  const double ur = ratio(records, r.write_limit_records_per_sec);
  const double ub = ratio(bytes, r.write_limit_bytes_per_sec);
  return {std::max(ur, ub), ub > ur};
}

double PeakShardUtilisation(const RunResult& r, const ShardResult** busiest) {
  double best = 0;
  const ShardResult* at = nullptr;
  for (const ShardResult& s : r.shards) {
    const double u = PeakLoad(r, s).utilisation;
    if (u > best) best = u, at = &s;
  }
  if (busiest != nullptr) *busiest = at;
  return best;
}

double WriteThrottledFraction(const RunResult& r) {
  uint64_t throttled = 0, offered = 0;
  for (const ShardResult& s : r.shards) {
    throttled += s.throttled_records;
    offered += s.records_offered;
  }
  return offered > 0 ? static_cast<double>(throttled) / static_cast<double>(offered) : 0.0;
}

const SeriesTable* ShardSeries(const RunResult& r, const ShardResult& s) {
  return SeriesByName(r, s.shard_id);
}

const SeriesTable* ConsumerSeries(const RunResult& r, const ConsumerResult& c) {
  return SeriesByName(r, "consumer-" + c.name);
}

int ColumnIndex(const SeriesTable& t, std::string_view name) {
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (t.columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

double WindowSeconds(const SeriesTable& t, size_t i, double duration_s) {
  if (i >= t.rows.size() || t.rows[i].empty()) return 0;
  const double start = t.rows[i][0];
  double width = 0;
  if (i + 1 < t.rows.size()) {
    width = t.rows[i + 1][0] - start;
  } else if (i > 0) {
    width = start - t.rows[i - 1][0];
  } else {
    width = duration_s - start;
  }
  if (std::isfinite(duration_s) && duration_s > start) width = std::min(width, duration_s - start);
  return std::isfinite(width) && width > 0 ? width : 0;
}

std::vector<Headline> Headlines(const RunResult& r) {
  std::vector<Headline> out;
  uint64_t dropped = 0;
  for (const ProducerResult& p : r.producers) dropped += p.records_dropped;
  out.push_back({"write_throttled_fraction", "write attempts throttled", WriteThrottledFraction(r),
                 FigureKind::kFraction, Better::kLower});
  out.push_back({"records_dropped", "records dropped by producers", static_cast<double>(dropped),
                 FigureKind::kCount, Better::kLower});
  out.push_back({"peak_shard_utilisation", "peak shard utilisation (busiest second)",
                 PeakShardUtilisation(r), FigureKind::kFraction, Better::kNeither});
  out.push_back({"open_shards", "open shards", static_cast<double>(r.open_shards),
                 FigureKind::kCount, Better::kNeither});
  for (const ConsumerResult& c : r.consumers) {
    if (c.latency.count > 0) {
      out.push_back({"p99_latency/" + c.name, "p99 latency, " + c.name, c.latency.p99_ms,
                     FigureKind::kMillis, Better::kLower});
    }
    const bool has_iterator = !(c.firehose && c.firehose->source == "direct_put");
    if (has_iterator) {
      out.push_back({"max_iterator_age/" + c.name, "max iterator age, " + c.name,
                     c.iterator_age_max_ms, FigureKind::kMillis, Better::kLower});
    }
    const uint64_t lost = c.records_expired + c.records_failed;
    if (lost > 0) {
      out.push_back({"records_lost/" + c.name, "records expired or failed, " + c.name,
                     static_cast<double>(lost), FigureKind::kCount, Better::kLower});
    }
  }
  if (r.cost && r.cost->priced) {
    out.push_back({"cost_per_month", "cost per month", r.cost->total_per_month_usd,
                   FigureKind::kUsd, Better::kLower});
  }
  return out;
}

std::string FormatHeadline(FigureKind kind, double value) {
  switch (kind) {
    case FigureKind::kCount:
      return Count(value);
    case FigureKind::kFraction:
      return value > 0 && value < 0.001 ? SharePercent(value) : PercentOneDecimal(value);
    case FigureKind::kMillis:
      return Duration(value);
    case FigureKind::kUsd:
      return Usd(value);
  }
  return Count(value);
}

std::string ConsumerKindName(const ConsumerResult& c) {
  if (c.type == "lambda") return "Lambda";
  if (c.type == "firehose") return "Firehose";
  if (c.type == "kcl") return "KCL";
  if (c.type == "efo") return "enhanced fan-out";
  if (c.type == "polling") return "GetRecords polling";
  return c.type;
}

std::string Duration(double ms) {
  if (!std::isfinite(ms)) return "-";
  auto three = [](double v) {  // three significant figures, no exponent, no trailing ".0"
    const int decimals = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    return Fixed(v, decimals);
  };
  const double a = std::fabs(ms);
  if (a < 1000) return Millis(ms);
  if (a < 99'950) return three(ms / 1000) + "s";
  if (a < 99.95 * 60'000) return three(ms / 60'000) + "min";
  return three(ms / 3'600'000) + "h";
}

std::string UnitPriceUsd(double price) {
  if (!std::isfinite(price)) return "-";
  if (price == 0) return "$0";
  const int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(price))));
  const int decimals = std::clamp(3 - magnitude, 2, 12);
  std::string s = Fixed(price, decimals);
  // Trailing zeros beyond the cents carry nothing.
  while (s.size() > 3 && s.back() == '0' && s[s.size() - 3] != '.') s.pop_back();
  return (s[0] == '-' ? "-$" + s.substr(1) : "$" + s);
}

std::string FigureText(const FindingFigure& f) {
  std::string name = f.name;
  std::string value;
  auto strip = [&](std::string_view suffix) {
    if (!EndsWith(name, suffix)) return false;
    name.resize(name.size() - suffix.size());
    return true;
  };
  const bool integral = std::isfinite(f.value) && f.value == std::floor(f.value);
  if (strip("_ms")) {
    value = Duration(f.value);
  } else if (strip("_bytes_per_s")) {
    value = ApproxByteRate(std::max(f.value, 0.0));
    name += " bytes";
  } else if (strip("_per_s")) {
    value =
        (integral || std::fabs(f.value) >= 10 ? Count(f.value) : SignificantDigits(f.value, 3)) +
        "/s";
  } else if (strip("_usd")) {
    value = Usd(f.value);
  } else if (name.find("by_bytes") == std::string::npos &&
             (strip("_bytes") || name.find("_bytes_") != std::string::npos ||
              name.rfind("bytes_", 0) == 0)) {
    // A size ("object_bytes_mean"), not a count of something refused by the bytes limit.
    value = ApproxBytes(f.value);
  } else if (name.find("fraction") != std::string::npos ||
             name.find("utilization") != std::string::npos ||
             name.find("utilisation") != std::string::npos ||
             name.find("share") != std::string::npos) {
    value = SharePercent(f.value);
  } else if (integral) {
    value = std::fabs(f.value) < 9e15 && f.value >= 0 ? Grouped(static_cast<uint64_t>(f.value))
                                                      : SignificantDigits(f.value, 6);
  } else {
    value = std::fabs(f.value) < 10 ? SignificantDigits(f.value, 3) : Count(f.value);
  }
  std::replace(name.begin(), name.end(), '_', ' ');
  return name + " " + value;
}

std::string ObjectiveName(const Finding& f) {
  for (const FindingFigure& fig : f.figures) {
    if (fig.name.rfind("objective_", 0) != 0) continue;
    const std::string what = fig.name.substr(10);
    if (what == "p99_latency_ms") return "p99 latency";
    if (what == "max_iterator_age_ms") return "max iterator age";
    if (what == "max_write_throttle_fraction") return "write throttle fraction";
    if (what == "max_shard_utilization") return "shard utilisation";
    if (what == "max_monthly_cost_usd") return "monthly cost";
    std::string name = what;
    std::replace(name.begin(), name.end(), '_', ' ');
    return name;
  }
  return "";
}

TimeUnit TimeUnitFor(double duration_s) {
  if (duration_s > 3 * 3600) return {3600, "h"};
  if (duration_s > 15 * 60) return {60, "min"};
  return {1, "s"};
}

std::string TimeText(double t_s, const TimeUnit& unit) {
  if (!std::isfinite(t_s)) return "-";
  const double v = t_s / unit.seconds;
  const bool whole = std::fabs(v - std::round(v)) < 1e-9;
  return (whole ? Fixed(v, 0) : Fixed(v, v >= 100 ? 0 : 1)) + unit.name;
}

std::string DurationText(double seconds) {
  if (std::isfinite(seconds) && seconds >= 0 && seconds < 9.2e9) {
    return FormatDuration(SimDuration::FromSeconds(seconds));
  }
  return Count(seconds) + "s";
}

std::string ModeTimelineText(const RunResult& r) {
  if (r.mode_periods.empty()) return "";
  auto mode_name = [](std::string m) {
    std::replace(m.begin(), m.end(), '_', '-');
    return m;
  };
  std::string s = mode_name(r.mode_periods.front().mode);
  std::string at;
  for (size_t i = 1; i < r.mode_periods.size(); ++i) {
    const ModePeriod& p = r.mode_periods[i];
    s += " until " + DurationText(p.from_s) + ", then " + mode_name(p.mode);
    at += (at.empty() ? "" : ", ") + DurationText(p.from_s);
  }
  if (r.mode_periods.size() == 1) s += " throughout";
  std::string refused;
  for (const OperationResult& o : r.operations) {
    if (o.op != "update_stream_mode" || o.status != "refused") continue;
    refused +=
        (refused.empty() ? "" : ", ") + mode_name(o.mode) + " at " + DurationText(o.requested_at_s);
  }
  if (!at.empty()) s += " (switched at " + at + ")";
  if (!refused.empty()) s += "; refused switch to " + refused;
  return s;
}

namespace {

// "shardId-000000000007" -> "7".
std::string ShardNumber(const std::string& id) {
  const size_t digits = id.find_first_not_of('0', id.find('-') + 1);
  return digits == std::string::npos ? "0" : id.substr(digits);
}

std::string OperationText(const OperationResult& o) {
  if (o.op == "split") return "split " + ShardNumber(o.shard);
  if (o.op == "merge") return "merge " + ShardNumber(o.shard) + "+" + ShardNumber(o.adjacent);
  if (o.op == "update_shard_count") return "update_shard_count " + std::to_string(o.target);
  if (o.op == "update_stream_mode") return "update_stream_mode " + o.mode;
  return o.op;
}

std::string OutcomeText(const OperationResult& o) {
  if (o.status == "completed") return "completed " + DurationText(o.completed_at_s);
  if (o.status != "refused") return o.status;
  if (o.error.starts_with("cancelled")) return "cancelled";
  return "refused: " + o.error.substr(0, o.error.find(':'));
}

bool SameServiceGroup(const OperationResult& a, const OperationResult& b) {
  return a.cause == "on_demand" && b.cause == "on_demand" && a.op == b.op && a.status == b.status &&
         a.requested_at_s == b.requested_at_s && a.completed_at_s == b.completed_at_s;
}

}  // namespace

std::vector<OperationRow> OperationRows(const RunResult& r, size_t max_rows, size_t* more) {
  std::vector<OperationRow> rows;
  *more = 0;
  const std::vector<OperationResult>& ops = r.operations;
  for (size_t i = 0; i < ops.size();) {
    size_t j = i + 1;
    while (j < ops.size() && SameServiceGroup(ops[i], ops[j])) ++j;
    if (rows.size() == max_rows) {
      ++*more;
      i = j;
      continue;
    }
    const OperationResult& o = ops[i];
    const OperationResult& last = ops[j - 1];
    OperationRow row;
    row.at = DurationText(o.requested_at_s);
    row.operation = j - i > 1 ? o.op + " x" + std::to_string(j - i) : OperationText(o);
    row.cause = o.cause.empty() ? "scenario" : o.cause.substr(0, o.cause.find(':'));
    std::replace(row.cause.begin(), row.cause.end(), '_', '-');
    row.outcome = OutcomeText(o);
    row.shards = o.started_at_s < 0        ? "-"
                 : o.status == "completed" ? std::to_string(o.open_shards_before) + " -> " +
                                                 std::to_string(last.open_shards_after)
                                           : std::to_string(o.open_shards_before) + " -> ?";
    uint64_t throttled = 0;
    double age = -1;
    for (size_t k = i; k < j; ++k) {
      throttled =
          std::max(throttled, ops[k].throttled_before_completed + ops[k].throttled_after_completed);
      age = std::max(age, ops[k].iterator_age_max_ms);
    }
    row.throttled = Grouped(throttled);
    row.age = age >= 0 ? Duration(age) : "-";
    rows.push_back(std::move(row));
    i = j;
  }
  return rows;
}

}  // namespace shardsim::report
