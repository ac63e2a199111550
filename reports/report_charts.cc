// Report charts from a RunResult. See report_charts.h.
#include "reports/report_charts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "models/result/format.h"
#include "models/spec/units.h"
#include "reports/report_figures.h"
#include "reports/svg_chart.h"

namespace shardsim::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kCdfPoints = 200;
constexpr size_t kThrottledShardsDrawn = 3;
constexpr size_t kKeysPerChart = 10;
constexpr size_t kKeyCharts = 3;
constexpr double kHotUtilisation = 0.8;
constexpr double kSkewedTopKeys = 0.2;  // share of a shard's records its top keys carry

// "shardId-000000000015" -> "15" (names that do not follow the pattern stay whole).
std::string ShortShardId(const std::string& id) {
  constexpr std::string_view kPrefix = "shardId-";
  if (id.rfind(kPrefix, 0) != 0 || id.size() == kPrefix.size()) return id;
  std::string digits = id.substr(kPrefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos) return id;
  const size_t nz = digits.find_first_not_of('0');
  return nz == std::string::npos ? "0" : digits.substr(nz);
}

// A name made safe for a file stem and an XML id: [A-Za-z0-9-], others '-'.
std::string Slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out += ok ? c : '-';
  }
  return out.empty() ? "x" : out;
}

// `base`, or base-2, base-3, ... when taken.
std::string Unique(const std::string& base, std::set<std::string>* taken) {
  std::string name = base;
  for (int i = 2; !taken->insert(name).second; ++i) name = base + "-" + std::to_string(i);
  return name;
}

struct Line {
  std::vector<double> x, y;
};

// Column `col` of a series table against time in `unit`; per second of window when `rate`.
Line SeriesLine(const SeriesTable& t, int col, double duration_s, const TimeUnit& unit, bool rate,
                double scale = 1) {
  Line line;
  if (col < 0) return line;
  line.x.reserve(t.rows.size());
  line.y.reserve(t.rows.size());
  for (size_t i = 0; i < t.rows.size(); ++i) {
    double v = t.rows[i][static_cast<size_t>(col)];
    if (rate) {
      const double w = WindowSeconds(t, i, duration_s);
      v = w > 0 ? v / w : kNaN;
    }
    line.x.push_back(t.rows[i][0] / unit.seconds);
    line.y.push_back(v * scale);
  }
  return line;
}

double MaxFinite(const std::vector<double>& v, size_t* at = nullptr) {
  double best = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < v.size(); ++i) {
    if (std::isfinite(v[i]) && v[i] > best) {
      best = v[i];
      if (at != nullptr) *at = i;
    }
  }
  return best;
}

// Milliseconds, seconds, minutes or hours for an axis whose values reach `max_ms`.
struct DurationAxis {
  double divisor = 1;
  std::string unit = "ms";
};
DurationAxis DurationAxisFor(double max_ms) {
  if (max_ms >= 2 * 3'600'000.0) return {3'600'000, "h"};
  if (max_ms >= 20 * 60'000.0) return {60'000, "min"};
  return max_ms >= 2000 ? DurationAxis{1000, "s"} : DurationAxis{1, "ms"};
}

// An objective as written in a scenario: "5s", "30s", "1.5s", "250ms".
std::string ObjectiveDuration(double ms) {
  return ms >= 1000 ? SignificantDigits(ms / 1000, 3) + "s" : Duration(ms);
}

std::string TimeAxisLabel(const TimeUnit& unit) { return "time since start (" + unit.name + ")"; }

// A line chart named and titled as `chart`, its x axis the run's time from 0 to its end in `unit`.
svg::LineChart RunTimeChart(const Chart& chart, const RunResult& r, const TimeUnit& unit) {
  svg::LineChart lc;
  lc.id = chart.name;
  lc.title = chart.title;
  lc.x = {TimeAxisLabel(unit), false, r.duration_s > 0 ? std::optional<double>(0) : std::nullopt,
          r.duration_s > 0 ? std::optional<double>(r.duration_s / unit.seconds) : std::nullopt};
  return lc;
}

// A chart named `name` (its file stem and id) with `title`.
Chart NamedChart(std::string name, std::string title) {
  Chart chart;
  chart.name = std::move(name);
  chart.title = std::move(title);
  return chart;
}

// Draws `lc` into `chart`, with its text alternative `description` and the caption under it.
void DrawChart(Chart* chart, svg::LineChart* lc, std::string description, std::string caption) {
  lc->description = std::move(description);
  chart->svg = svg::Render(*lc);
  chart->caption = {Plain(std::move(caption))};
}

// Sum of a column over several tables of equal windows, by row time; per second when `rate`.
Line SumOfSeries(const std::vector<const SeriesTable*>& tables, const std::string& column,
                 double duration_s, const TimeUnit& unit) {
  const SeriesTable* grid = nullptr;
  for (const SeriesTable* t : tables) {
    if (t != nullptr && (grid == nullptr || t->rows.size() > grid->rows.size())) grid = t;
  }
  Line line;
  if (grid == nullptr || grid->rows.empty()) return line;
  const double t0 = grid->rows[0][0];
  const double dx = WindowSeconds(*grid, 0, duration_s);
  std::vector<double> sum(grid->rows.size(), 0.0);
  for (const SeriesTable* t : tables) {
    if (t == nullptr) continue;
    const int col = ColumnIndex(*t, column);
    if (col < 0) continue;
    for (const auto& row : t->rows) {
      const double v = row[static_cast<size_t>(col)];
      if (!std::isfinite(v)) continue;
      const double k = dx > 0 ? std::round((row[0] - t0) / dx) : 0;
      if (k >= 0 && k < static_cast<double>(sum.size())) sum[static_cast<size_t>(k)] += v;
    }
  }
  for (size_t i = 0; i < sum.size(); ++i) {
    const double w = WindowSeconds(*grid, i, duration_s);
    line.x.push_back(grid->rows[i][0] / unit.seconds);
    line.y.push_back(w > 0 ? sum[i] / w : kNaN);
  }
  return line;
}

// The objective figure of a violated SLO about consumer `ci`, or NaN.
double ObjectiveFor(const RunResult& r, int ci, const std::string& figure) {
  for (const Finding& f : r.findings) {
    if (f.kind != FindingKind::kSloViolated || f.consumer != ci) continue;
    for (const FindingFigure& fig : f.figures) {
      if (fig.name == figure) return fig.value;
    }
  }
  return kNaN;
}

svg::Series CdfSeries(const std::string& name, const SparseHistogram& h) {
  svg::Series s;
  s.name = name;
  for (const auto& [x, p] : CdfPoints(h, kCdfPoints)) {
    s.x.push_back(static_cast<double>(x) / 1e6);
    s.y.push_back(p * 100);
  }
  return s;
}

std::string LatencyWords(const ConsumerResult& c) {
  return c.name + " p50 " + Duration(c.latency.p50_ms) + ", p99 " + Duration(c.latency.p99_ms) +
         ", max " + Duration(c.latency.max_ms);
}

constexpr const char* kLatencyAxis = "latency: record created to processed or delivered";

// A latency CDF's x axis in seconds when even the fastest median is a second or more (labels
// like "20k ms" read badly), else in milliseconds.
void LatencyAxisUnit(svg::LineChart* lc, double fastest_p50_ms) {
  const bool seconds = fastest_p50_ms >= 1000;
  lc->x = {
      std::string(kLatencyAxis) + (seconds ? " (s, log scale)" : " (ms, log scale)"), true, {}, {}};
  if (!seconds) return;
  for (svg::Series& s : lc->series) {
    for (double& x : s.x) x /= 1000;
  }
  for (svg::Marker& m : lc->markers) m.x /= 1000;
}

}  // namespace

Chart UtilisationChart(const RunResult& r) {
  Chart chart = NamedChart("utilisation", "Write utilisation per shard over time");
  const TimeUnit unit = TimeUnitFor(r.duration_s);
  const std::vector<const ShardResult*> shards = ShardsInHashOrder(r);
  // The time grid: the longest shard series.
  const SeriesTable* grid = nullptr;
  for (const ShardResult* s : shards) {
    const SeriesTable* t = ShardSeries(r, *s);
    if (t != nullptr && !t->rows.empty() && (grid == nullptr || t->rows.size() > grid->rows.size()))
      grid = t;
  }
  if (grid == nullptr || !(r.write_limit_records_per_sec > 0) ||
      !(r.write_limit_bytes_per_sec > 0)) {
    chart.caption = {Plain("No per-shard series in this result: no utilisation heat map.")};
    return chart;
  }
  uint64_t written = 0;
  for (const ShardResult* s : shards) written += s->records_in;
  if (written == 0) {
    chart.caption = {
        Plain("No record was written to the stream's shards (producers that write "
              "to a Direct PUT Firehose bypass the stream): no utilisation heat "
              "map.")};
    return chart;
  }
  const double t0 = grid->rows[0][0];
  const double dx = WindowSeconds(*grid, 0, r.duration_s);
  const size_t cols = grid->rows.size();

  struct Row {
    std::string label;
    std::vector<double> v;
    double peak = -1;
    double peak_t = kNaN;
    bool by_bytes = false;
    const ShardResult* peak_shard = nullptr;
  };
  std::vector<Row> rows;
  rows.reserve(shards.size());
  for (const ShardResult* s : shards) {
    Row row;
    row.label = s->shard_id;
    row.v.assign(cols, kNaN);
    if (const SeriesTable* t = ShardSeries(r, *s)) {
      const int rc = ColumnIndex(*t, "records_in"), bc = ColumnIndex(*t, "bytes_in");
      for (size_t i = 0; i < t->rows.size() && rc >= 0 && bc >= 0; ++i) {
        const double w = WindowSeconds(*t, i, r.duration_s);
        const double k = dx > 0 ? std::round((t->rows[i][0] - t0) / dx) : static_cast<double>(i);
        if (!(w > 0) || k < 0 || k >= static_cast<double>(cols)) continue;
        const double ur = t->rows[i][static_cast<size_t>(rc)] / (r.write_limit_records_per_sec * w);
        const double ub = t->rows[i][static_cast<size_t>(bc)] / (r.write_limit_bytes_per_sec * w);
        if (!std::isfinite(ur) && !std::isfinite(ub)) continue;
        const double v = std::max(std::isfinite(ur) ? ur : 0.0, std::isfinite(ub) ? ub : 0.0);
        row.v[static_cast<size_t>(k)] = v;
        if (v > row.peak) {
          row.peak = v;
          row.peak_t = t->rows[i][0];
          row.by_bytes = ub > ur;
          row.peak_shard = s;
        }
      }
    }
    rows.push_back(std::move(row));
  }
  // Merge neighbours in hash order beyond the row cap, keeping each cell's highest value.
  if (rows.size() > svg::kMaxHeatRows) {
    const size_t group = (rows.size() + svg::kMaxHeatRows - 1) / svg::kMaxHeatRows;
    std::vector<Row> merged;
    for (size_t g = 0; g < rows.size(); g += group) {
      const size_t end = std::min(rows.size(), g + group);
      Row m = std::move(rows[g]);
      m.label = "shards " + ShortShardId(shards[g]->shard_id) + ".." +
                ShortShardId(shards[end - 1]->shard_id);
      for (size_t k = g + 1; k < end; ++k) {
        for (size_t c = 0; c < cols; ++c) {
          const double v = rows[k].v[c];
          if (std::isfinite(v) && !(m.v[c] >= v)) m.v[c] = v;
        }
        if (rows[k].peak > m.peak) {
          m.peak = rows[k].peak;
          m.peak_t = rows[k].peak_t;
          m.by_bytes = rows[k].by_bytes;
          m.peak_shard = rows[k].peak_shard;
        }
      }
      merged.push_back(std::move(m));
    }
    rows = std::move(merged);
  }

  svg::HeatMap map;
  map.id = chart.name;
  map.title = chart.title;
  map.x0 = t0 / unit.seconds;
  map.dx = dx / unit.seconds;
  map.x.label = TimeAxisLabel(unit);
  map.value_label = "share of the binding write limit";
  const Row* busiest = nullptr;
  size_t hot_rows = 0;
  for (Row& row : rows) {
    map.rows.push_back(row.label);
    map.row_notes.push_back(row.peak < 0 ? "no data"
                                         : "peak " + PercentWhole(row.peak) +
                                               (row.by_bytes ? " bytes" : " records"));
    map.values.push_back(std::move(row.v));
    if (row.peak >= kHotUtilisation) ++hot_rows;
    if (busiest == nullptr || row.peak > busiest->peak) busiest = &row;
  }
  const std::string limits = Count(r.write_limit_records_per_sec) + " records/s or " +
                             FormatByteRate(r.write_limit_bytes_per_sec);
  const std::string window = TimeText(dx, TimeUnit{1, "s"});
  std::string desc = "Heat map of write utilisation for " + Grouped(shards.size()) +
                     (shards.size() == 1 ? " shard" : " shards") + " in hash-key order over " +
                     TimeText(r.duration_s, unit) + ", one column per " + window +
                     " window; colour = accepted records or bytes against the per-shard limit (" +
                     limits + "), whichever is higher.";
  if (busiest != nullptr && busiest->peak >= 0 && busiest->peak_shard != nullptr) {
    desc += " Busiest: " + busiest->peak_shard->shard_id + " at " + PercentWhole(busiest->peak) +
            " of its " + (busiest->by_bytes ? "bytes" : "records") + " limit at " +
            TimeText(busiest->peak_t, unit) + ".";
  }
  desc += " " + Grouped(hot_rows) + (rows.size() < shards.size() ? " of the rows" : "") +
          " reach " + PercentWhole(kHotUtilisation) + " or more in some window.";
  map.description = desc;
  chart.svg = svg::Render(map);
  chart.caption = {
      Plain("Accepted writes in each " + window + " window as a share of the per-shard limit (" +
            limits + ", whichever binds), shards top to bottom in hash-key order" +
            (rows.size() < shards.size()
                 ? " (" + Grouped(shards.size()) + " shards merged into " +
                       std::to_string(rows.size()) + " rows, each cell the highest)"
                 : "") +
            "; right: each row's peak and the limit that binds. Throttled attempts are in the "
            "throttles chart.")};
  return chart;
}

Chart LatencyCdfChart(const RunResult& r) {
  Chart chart = NamedChart("latency-cdf", "End-to-end latency per consumer (CDF)");
  svg::LineChart lc;
  lc.id = chart.name;
  lc.title = chart.title;
  lc.y = {"records at or below (%)", false, 0.0, 100.0};
  std::string words;
  double fastest_p50 = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < r.consumers.size(); ++i) {
    const ConsumerResult& c = r.consumers[i];
    if (c.latency_histogram.count == 0) continue;
    fastest_p50 = std::min(fastest_p50, c.latency.p50_ms);
    lc.series.push_back(CdfSeries(c.name, c.latency_histogram));
    words += (words.empty() ? "" : "; ") + LatencyWords(c);
    const double objective = ObjectiveFor(r, static_cast<int>(i), "objective_p99_latency_ms");
    if (std::isfinite(objective)) {
      lc.markers.push_back(
          {objective, "p99 objective of " + c.name + ": " + ObjectiveDuration(objective)});
    }
  }
  if (lc.series.empty()) {
    chart.caption = {Plain(r.consumers.empty() ? "No consumers: no latency distribution."
                                               : "No consumer processed a record in the "
                                                 "measured part of the run: no latency "
                                                 "distribution.")};
    return chart;
  }
  LatencyAxisUnit(&lc, fastest_p50);
  DrawChart(
      &chart, &lc,
      "Cumulative distribution of end-to-end latency per consumer on a log axis: " + words + ".",
      "Share of the processed records whose latency (created at the producer to processed; "
      "Firehose: to the object written) is at most x; further right is slower. Records "
      "still waiting at the end are not in it. " +
          words + ".");
  return chart;
}

Chart IteratorAgeChart(const RunResult& r) {
  Chart chart = NamedChart("iterator-age", "Iterator age over time per consumer");
  const TimeUnit unit = TimeUnitFor(r.duration_s);
  struct Drawn {
    std::string name;
    Line line;
    double peak = 0, peak_t = 0;
  };
  std::vector<Drawn> drawn;
  double top_ms = 0;
  for (size_t i = 0; i < r.consumers.size(); ++i) {
    const ConsumerResult& c = r.consumers[i];
    const SeriesTable* t = ConsumerSeries(r, c);
    if (t == nullptr) continue;
    Line line = SeriesLine(*t, ColumnIndex(*t, "iterator_age_ms"), r.duration_s, unit, false);
    size_t at = 0;
    const double peak = MaxFinite(line.y, &at);
    if (!std::isfinite(peak)) continue;
    top_ms = std::max(top_ms, peak);
    const double peak_t = line.x[at] * unit.seconds;
    drawn.push_back({c.name, std::move(line), peak, peak_t});
    const double objective = ObjectiveFor(r, static_cast<int>(i), "objective_max_iterator_age_ms");
    if (std::isfinite(objective)) top_ms = std::max(top_ms, objective);
  }
  if (drawn.empty()) {
    bool direct_put_only = !r.consumers.empty();
    for (const ConsumerResult& c : r.consumers) {
      direct_put_only = direct_put_only && c.firehose && c.firehose->source == "direct_put";
    }
    chart.caption = {Plain(r.consumers.empty() ? "No consumers: no iterator age."
                           : direct_put_only
                               ? "No iterator age: a Direct PUT Firehose reads no stream."
                               : "No consumer series with an iterator age in this result.")};
    return chart;
  }
  const DurationAxis axis = DurationAxisFor(top_ms);
  svg::LineChart lc = RunTimeChart(chart, r, unit);
  lc.y = {"iterator age, worst shard (" + axis.unit + ")", false, {}, {}};
  std::string words;
  for (Drawn& d : drawn) {
    svg::Series s{d.name, std::move(d.line.x), std::move(d.line.y), false};
    for (double& y : s.y) y /= axis.divisor;
    lc.series.push_back(std::move(s));
    words += (words.empty() ? "" : "; ") + d.name + " peaks at " + Duration(d.peak) + " at " +
             TimeText(d.peak_t, unit);
  }
  for (size_t i = 0; i < r.consumers.size(); ++i) {
    const double objective = ObjectiveFor(r, static_cast<int>(i), "objective_max_iterator_age_ms");
    if (!std::isfinite(objective)) continue;
    const double end = r.duration_s / unit.seconds;
    lc.series.push_back(
        {"objective of " + r.consumers[i].name + ": " + ObjectiveDuration(objective),
         {0.0, end},
         {objective / axis.divisor, objective / axis.divisor},
         false});
  }
  DrawChart(&chart, &lc,
            "Iterator age (how far behind the newest record each consumer reads, worst "
            "shard, per window) over time: " +
                words + ".",
            "How far behind each consumer reads (worst shard, per window; the series cover the "
            "whole run, warm-up included; through windows without a read, such as an outage, "
            "the age grows with time); a line that keeps rising is a consumer falling behind. " +
                words + ".");
  return chart;
}

Chart WriteThrottleChart(const RunResult& r) {
  Chart chart = NamedChart("write-throttles", "Throttled write attempts over time");
  const TimeUnit unit = TimeUnitFor(r.duration_s);
  uint64_t total = 0, by_records = 0, by_bytes = 0;
  std::vector<const ShardResult*> throttled;
  std::vector<const SeriesTable*> tables;
  for (const ShardResult& s : r.shards) {
    total += s.throttled_records;
    by_records += s.throttled_by_records_limit;
    by_bytes += s.throttled_by_bytes_limit;
    if (s.throttled_records > 0) throttled.push_back(&s);
    tables.push_back(ShardSeries(r, s));
  }
  if (total == 0) {
    chart.caption = {Plain("No write attempt was throttled: no throttles chart.")};
    return chart;
  }
  const std::string split = Grouped(by_records) + " by the records limit and " + Grouped(by_bytes) +
                            " by the bytes limit";
  Line all = SumOfSeries(tables, "throttled_records", r.duration_s, unit);
  if (all.x.empty()) {
    chart.caption = {Plain("No per-shard series in this result: " + Grouped(total) +
                           " write attempts were throttled over the run, " + split + ".")};
    return chart;
  }
  svg::LineChart lc = RunTimeChart(chart, r, unit);
  lc.y = {"refused record attempts per second", false, {}, {}};
  size_t at = 0;
  const double peak = MaxFinite(all.y, &at);
  const double peak_t = all.x[at] * unit.seconds;
  lc.series.push_back({"all shards", std::move(all.x), std::move(all.y), true});
  std::stable_sort(throttled.begin(), throttled.end(), [](const auto* a, const auto* b) {
    return a->throttled_records > b->throttled_records;
  });
  if (throttled.size() > 1) {
    for (size_t i = 0; i < std::min(kThrottledShardsDrawn, throttled.size()); ++i) {
      const SeriesTable* t = ShardSeries(r, *throttled[i]);
      if (t == nullptr) continue;
      Line line = SeriesLine(*t, ColumnIndex(*t, "throttled_records"), r.duration_s, unit, true);
      lc.series.push_back({throttled[i]->shard_id, std::move(line.x), std::move(line.y), true});
    }
  }
  const std::string words = Grouped(total) + " attempts refused over the run (" + split +
                            "), peaking at " + Count(std::round(peak)) + "/s at " +
                            TimeText(peak_t, unit) + " on " + std::to_string(throttled.size()) +
                            (throttled.size() == 1 ? " shard" : " shards");
  DrawChart(&chart, &lc,
            "Write attempts refused by the shard limits per second, over time: " + words +
                ". The series do not split throttles by limit per window.",
            "Refused write attempts (retries included) per second, all shards" +
                std::string(throttled.size() > 1 ? " and the most-throttled shards" : "") + ": " +
                words +
                ". The series count throttles in total only; the split by limit is for the "
                "whole run.");
  return chart;
}

Chart OpenShardsChart(const RunResult& r) {
  Chart chart = NamedChart("open-shards", "Open shards over time");
  const SeriesTable* t = nullptr;
  for (const SeriesTable& x : r.series) {
    if (x.name == "stream-open-shards" && !x.columns.empty()) t = &x;
  }
  if (t == nullptr || t->rows.empty() || r.max_open_shards == 0) return chart;
  const TimeUnit unit = TimeUnitFor(r.duration_s);
  svg::LineChart lc = RunTimeChart(chart, r, unit);
  lc.y = {"open shards", false, 0.0, {}};
  Line open = SeriesLine(*t, ColumnIndex(*t, "open_shards"), r.duration_s, unit, false);
  Line most = SeriesLine(*t, ColumnIndex(*t, "max_open_shards"), r.duration_s, unit, false);
  lc.series.push_back({"open at the minute's start", std::move(open.x), std::move(open.y), true});
  lc.series.push_back({"most open in the minute", std::move(most.x), std::move(most.y), true});
  int splits = 0, merges = 0, service = 0;
  for (const OperationResult& o : r.operations) {
    splits += o.splits;
    merges += o.merges;
    if (o.cause == "on_demand") ++service;
  }
  auto count = [](int n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  const std::string words =
      std::to_string(r.min_open_shards) + " to " + std::to_string(r.max_open_shards) +
      " open shards over the run, " + std::to_string(r.open_shards) + " at the end; " +
      count(splits, "split", "splits") + " and " + count(merges, "merge", "merges") +
      (service > 0 ? " (" + count(service, "operation", "operations") + " by on-demand scaling)"
                   : std::string());
  DrawChart(&chart, &lc, "Open shards per minute over time (step lines): " + words + ".",
            "Open shards per minute (series stream-open-shards): " + words + ".");
  return chart;
}

Chart ReadThrottleChart(const RunResult& r) {
  Chart chart = NamedChart("read-throttles", "Throttled GetRecords calls over time");
  const TimeUnit unit = TimeUnitFor(r.duration_s);
  svg::LineChart lc = RunTimeChart(chart, r, unit);
  lc.y = {"refused GetRecords calls per second", false, {}, {}};
  std::string words;
  for (const ConsumerResult& c : r.consumers) {
    if (c.read_throttles == 0) continue;
    words += (words.empty() ? "" : "; ") + c.name + " " + Grouped(c.read_throttles) + " (" +
             Grouped(c.read_throttles_by_call_rate) + " by the 5 calls/s limit, " +
             Grouped(c.read_throttles_by_bytes) + " by 2 MiB/s, " +
             Grouped(c.read_throttles_by_penalty) + " in the 5 s penalty)";
    const SeriesTable* t = ConsumerSeries(r, c);
    if (t == nullptr) continue;
    Line line = SeriesLine(*t, ColumnIndex(*t, "read_throttles"), r.duration_s, unit, true);
    lc.series.push_back({c.name, std::move(line.x), std::move(line.y), true});
  }
  if (words.empty()) return chart;  // nothing to say: the report leaves the chart out
  if (lc.series.empty()) {
    chart.caption = {Plain("Refused GetRecords calls over the run: " + words + ".")};
    return chart;
  }
  DrawChart(
      &chart, &lc,
      "GetRecords calls refused per second, per consumer, over time. Over the run: " + words + ".",
      "Refused GetRecords calls per second per consumer; over the run: " + words + ".");
  return chart;
}

std::vector<Chart> KeyShareCharts(const RunResult& r) {
  std::vector<const ShardResult*> hot;
  auto add = [&](const ShardResult* s) {
    if (s != nullptr && !s->top_keys.empty() && std::find(hot.begin(), hot.end(), s) == hot.end() &&
        hot.size() < kKeyCharts) {
      hot.push_back(s);
    }
  };
  for (const Finding& f : r.findings) {
    if (f.kind != FindingKind::kHotShard && f.kind != FindingKind::kHotKey) continue;
    for (const ShardResult& s : r.shards) {
      if (s.index == f.shard) add(&s);
    }
  }
  if (hot.empty()) {
    // The busiest shard near its limit, when a few keys carry much of it (else the chart would
    // show ten keys at a fraction of a percent each: capacity, not skew).
    const ShardResult* busiest = nullptr;
    if (PeakShardUtilisation(r, &busiest) >= kHotUtilisation && busiest != nullptr) {
      double top = 0;
      for (size_t i = 0; i < std::min(kKeysPerChart, busiest->top_keys.size()); ++i) {
        top += busiest->top_keys[i].share;
      }
      if (top >= kSkewedTopKeys) add(busiest);
    }
  }
  std::vector<Chart> charts;
  for (const ShardResult* s : hot) {
    Chart chart;
    chart.name = "keys-" + Slug(ShortShardId(s->shard_id));
    chart.title = "Key shares of " + s->shard_id;
    svg::BarChart bc;
    bc.id = chart.name;
    bc.title = chart.title;
    bc.value_label = "share of the shard's records (%)";
    double listed = 0;
    std::string words;
    for (size_t i = 0; i < std::min(kKeysPerChart, s->top_keys.size()); ++i) {
      const KeyShare& k = s->top_keys[i];
      bc.bars.push_back({k.key, k.share * 100});
      bc.value_text.push_back(SharePercent(k.share) + " (" + Grouped(k.records) + ")");
      listed += k.share;
      if (i < 3) words += (words.empty() ? "" : ", ") + k.key + " " + SharePercent(k.share);
    }
    const double rest = std::max(0.0, 1.0 - listed);
    if (rest > 1e-9) {
      bc.bars.push_back({"all other keys", rest * 100});
      bc.value_text.push_back(SharePercent(rest));
    }
    const ShardLoad load = PeakLoad(r, *s);
    bc.description = "Bar chart of the partition keys that carry " + s->shard_id +
                     "'s records, by share: " + words + "; all other keys " + SharePercent(rest) +
                     ". The shard peaks at " + PercentWhole(load.utilisation) + " of its " +
                     (load.by_bytes ? "bytes" : "records") + " limit.";
    chart.svg = svg::Render(bc);
    chart.caption = {Plain("Which keys make " + s->shard_id +
                           " hot (share of its records by "
                           "exact key weight; records in "
                           "brackets): " +
                           words +
                           ". A key over one shard's limit cannot be split away: salt it.")};
    charts.push_back(std::move(chart));
  }
  return charts;
}

Chart CostChart(const RunResult& r) {
  Chart chart = NamedChart("cost", "Cost per month by price dimension");
  if (!r.cost || !r.cost->priced) {
    chart.caption = {Plain("Not priced: the result carries no cost.")};
    return chart;
  }
  std::vector<std::pair<std::string, double>> dims;
  for (const CostItem& item : r.cost->items) {
    auto it = std::find_if(dims.begin(), dims.end(),
                           [&](const auto& d) { return d.first == item.dimension; });
    if (it == dims.end()) {
      dims.push_back({item.dimension, item.per_month_usd});
    } else {
      it->second += item.per_month_usd;
    }
  }
  if (dims.empty()) {
    chart.caption = {Plain("Priced, but no dimension has a quantity: nothing to chart.")};
    return chart;
  }
  svg::BarChart bc;
  bc.id = chart.name;
  bc.title = chart.title;
  bc.value_label = "USD per month (730 hours)";
  std::string words;
  for (const auto& [dim, usd] : dims) {
    bc.bars.push_back({dim, std::max(0.0, usd)});
    bc.value_text.push_back(Usd(usd));
    words += (words.empty() ? "" : ", ") + dim + " " + Usd(usd);
  }
  bc.description = "Bar chart of the monthly cost by price dimension, total " +
                   Usd(r.cost->total_per_month_usd) + ": " + words + ".";
  chart.svg = svg::Render(bc);
  chart.caption = {Plain("Monthly cost by price dimension (the run's rate over 730 hours), total " +
                         Usd(r.cost->total_per_month_usd) + ".")};
  return chart;
}

std::vector<Chart> LatencyCdfComparison(const RunResult& a, const RunResult& b,
                                        const std::string& label_a, const std::string& label_b) {
  std::vector<std::string> names;
  for (const RunResult* r : {&a, &b}) {
    for (const ConsumerResult& c : r->consumers) {
      if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    }
  }
  std::vector<Chart> charts;
  std::set<std::string> taken;
  for (const std::string& name : names) {
    svg::LineChart lc;
    std::string words;
    double fastest_p50 = std::numeric_limits<double>::infinity();
    for (const auto& [r, label] : {std::pair{&a, &label_a}, std::pair{&b, &label_b}}) {
      for (const ConsumerResult& c : r->consumers) {
        if (c.name != name || c.latency_histogram.count == 0) continue;
        lc.series.push_back(CdfSeries(*label, c.latency_histogram));
        fastest_p50 = std::min(fastest_p50, c.latency.p50_ms);
        words += (words.empty() ? "" : "; ") + *label + ": p50 " + Duration(c.latency.p50_ms) +
                 ", p99 " + Duration(c.latency.p99_ms);
      }
    }
    if (lc.series.empty()) continue;
    Chart chart;
    chart.name = Unique("latency-" + Slug(name), &taken);
    chart.title = "End-to-end latency of " + name + " (CDF)";
    lc.id = chart.name;
    lc.title = chart.title;
    LatencyAxisUnit(&lc, fastest_p50);
    lc.y = {"records at or below (%)", false, 0.0, 100.0};
    DrawChart(
        &chart, &lc,
        "Cumulative distribution of " + name + "'s end-to-end latency in both runs: " + words + ".",
        "Latency of " + name + ", both runs (further right is slower): " + words + ".");
    charts.push_back(std::move(chart));
  }
  return charts;
}

std::vector<Chart> IteratorAgeComparison(const RunResult& a, const RunResult& b,
                                         const std::string& label_a, const std::string& label_b) {
  std::vector<std::string> names;
  for (const RunResult* r : {&a, &b}) {
    for (const ConsumerResult& c : r->consumers) {
      if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    }
  }
  const TimeUnit unit = TimeUnitFor(std::max(a.duration_s, b.duration_s));
  std::vector<Chart> charts;
  std::set<std::string> taken;
  for (const std::string& name : names) {
    std::vector<std::pair<std::string, Line>> lines;
    std::string words;
    double top = 0;
    for (const auto& [r, label] : {std::pair{&a, &label_a}, std::pair{&b, &label_b}}) {
      for (const ConsumerResult& c : r->consumers) {
        if (c.name != name) continue;
        const SeriesTable* t = ConsumerSeries(*r, c);
        if (t == nullptr) continue;
        Line line = SeriesLine(*t, ColumnIndex(*t, "iterator_age_ms"), r->duration_s, unit, false);
        const double peak = MaxFinite(line.y);
        if (!std::isfinite(peak)) continue;
        top = std::max(top, peak);
        words += (words.empty() ? "" : "; ") + *label + ": max " + Duration(peak);
        lines.push_back({*label, std::move(line)});
      }
    }
    if (lines.empty()) continue;
    const DurationAxis axis = DurationAxisFor(top);
    Chart chart;
    chart.name = Unique("iterator-age-" + Slug(name), &taken);
    chart.title = "Iterator age of " + name + " over time";
    svg::LineChart lc;
    lc.id = chart.name;
    lc.title = chart.title;
    lc.x = {TimeAxisLabel(unit), false, 0.0, std::max(a.duration_s, b.duration_s) / unit.seconds};
    lc.y = {"iterator age, worst shard (" + axis.unit + ")", false, {}, {}};
    for (auto& [label, line] : lines) {
      for (double& y : line.y) y /= axis.divisor;
      lc.series.push_back({label, std::move(line.x), std::move(line.y), false});
    }
    DrawChart(&chart, &lc, "Iterator age of " + name + " over time in both runs: " + words + ".",
              "Iterator age of " + name + " (worst shard, per window), both runs: " + words + ".");
    charts.push_back(std::move(chart));
  }
  return charts;
}

Chart WriteThrottleComparison(const RunResult& a, const RunResult& b, const std::string& label_a,
                              const std::string& label_b) {
  Chart chart = NamedChart("write-throttles", "Throttled write attempts over time");
  const TimeUnit unit = TimeUnitFor(std::max(a.duration_s, b.duration_s));
  svg::LineChart lc;
  lc.id = chart.name;
  lc.title = chart.title;
  lc.x = {TimeAxisLabel(unit), false, 0.0, std::max(a.duration_s, b.duration_s) / unit.seconds};
  lc.y = {"refused record attempts per second", false, {}, {}};
  std::string words;
  bool any = false;
  for (const auto& [r, label] : {std::pair{&a, &label_a}, std::pair{&b, &label_b}}) {
    uint64_t total = 0;
    std::vector<const SeriesTable*> tables;
    for (const ShardResult& s : r->shards) {
      total += s.throttled_records;
      tables.push_back(ShardSeries(*r, s));
    }
    any = any || total > 0;
    words += (words.empty() ? "" : "; ") + *label + ": " + Grouped(total) + " refused";
    Line line = SumOfSeries(tables, "throttled_records", r->duration_s, unit);
    if (!line.x.empty()) lc.series.push_back({*label, std::move(line.x), std::move(line.y), true});
  }
  if (!any) return chart;  // neither run throttled: left out
  if (lc.series.empty()) {
    chart.caption = {Plain("No per-shard series: " + words + ".")};
    return chart;
  }
  DrawChart(&chart, &lc,
            "Write attempts refused per second over all shards, both runs: " + words + ".",
            "Refused write attempts per second over all shards, both runs: " + words + ".");
  return chart;
}

}  // namespace shardsim::report
