// The architecture-review report of one run. See report_run.h.
#include "reports/report_run.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/result/format.h"
#include "models/spec/units.h"
#include "reports/report_charts.h"
#include "reports/report_figures.h"
#include "reports/result_json_reader.h"
#include "reports/series_reader.h"

namespace shardsim {
namespace {

using report::BulletList;
using report::Chart;
using report::Code;
using report::Column;
using report::Document;
using report::Emphasis;
using report::Heading;
using report::Inline;
using report::Paragraph;
using report::Plain;
using report::Strong;
using report::Table;

constexpr size_t kListedProducers = 10;
constexpr size_t kShownFigures = 8;

std::string Plural(uint64_t n, const std::string& one, const std::string& many) {
  return Grouped(n) + " " + (n == 1 ? one : many);
}

using report::DurationText;

std::string Join(const std::vector<std::string>& parts, const std::string& sep,
                 const std::string& last_sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? last_sep : sep;
    out += parts[i];
  }
  return out;
}

report::Span Badge(Severity s) {
  report::Span span = Strong(std::string(SeverityName(s)));
  span.css_class = "sev sev-" + std::string(SeverityName(s));
  // Markdown shows it as **CRITICAL**; HTML upper-cases it with CSS.
  for (char& c : span.text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return span;
}

const ShardResult* ShardByIndex(const RunResult& r, int index) {
  for (const ShardResult& s : r.shards) {
    if (s.index == index) return &s;
  }
  return nullptr;
}

// ---------------------------------------------------------------- verdict and configuration

std::string ConsumerBrief(const ConsumerResult& c) {
  std::string s = c.name + " (" + report::ConsumerKindName(c);
  if (c.lambda) {
    const LambdaResult& l = *c.lambda;
    if (l.batch_records.count > 0) {
      s += ", batches of " + Count(std::round(l.batch_records.mean)) + " records on average";
    }
    if (l.memory_mb > 0) s += ", " + Grouped(static_cast<uint64_t>(l.memory_mb)) + " MB";
  } else if (c.firehose) {
    s += c.firehose->source == "direct_put" ? ", Direct PUT" : ", reading the stream";
  } else if (c.type == "kcl" && c.workers > 0) {
    s += ", " + Plural(static_cast<uint64_t>(c.workers), "worker", "workers");
  }
  return s + ")";
}

std::string StreamBrief(const RunResult& r) {
  if (r.stream_mode == kNoStreamMode) return "no stream (Direct PUT only)";
  // The mode at the end: a run that switched modes ends in its last period's.
  std::string mode = r.mode_periods.empty() ? r.stream_mode : r.mode_periods.back().mode;
  for (char& c : mode) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::replace(mode.begin(), mode.end(), '_', '-');
  return Grouped(static_cast<uint64_t>(std::max(r.open_shards, 0))) + " " +
         (mode.empty() ? "" : mode + " ") + (r.open_shards == 1 ? "shard" : "shards");
}

// "1,000 records/s and 1MiB/s".
std::string LimitsText(const RunResult& r, const std::string& sep) {
  return Count(r.write_limit_records_per_sec) + " records/s" + sep +
         FormatByteRate(r.write_limit_bytes_per_sec);
}

std::string CostBrief(const RunResult& r) {
  if (!r.cost || !r.cost->priced) return "not priced";
  std::string s = Usd(r.cost->total_per_month_usd) + " per month";
  if (!r.cost->date.empty()) s += " at " + r.cost->date + " prices";
  if (!r.cost->region.empty()) s += " (" + r.cost->region + ")";
  return s;
}

}  // namespace

Paragraph RunVerdict(const RunResult& r) {
  std::vector<std::string> missed, critical;
  size_t warnings = 0;
  for (const Finding& f : r.findings) {
    if (f.kind == FindingKind::kSloViolated) {
      const std::string what = report::ObjectiveName(f);
      missed.push_back((what.empty() ? "an objective" : what) +
                       (f.subject.empty() ? "" : " of " + f.subject));
    } else if (f.severity == Severity::kCritical) {
      critical.push_back(std::string(FindingKindName(f.kind)) +
                         (f.subject.empty() ? "" : " on " + f.subject));
    } else if (f.severity == Severity::kWarning) {
      ++warnings;
    }
  }
  const bool meets = missed.empty() && critical.empty();
  Paragraph p;
  p.css_class = meets ? "verdict pass" : "verdict fail";
  const std::string name = r.scenario.empty() ? "The architecture" : r.scenario;
  std::string why;
  if (meets) {
    p.text.push_back(Strong(name + " meets its objectives"));
    why =
        ": no objective is missed and no finding is critical" +
        (warnings > 0 ? " (" + Plural(warnings, "warning", "warnings") + " below)" : std::string());
  } else {
    p.text.push_back(Strong(name + " does not meet its objectives"));
    std::vector<std::string> parts;
    if (!missed.empty()) {
      parts.push_back(Plural(missed.size(), "objective", "objectives") + " missed (" +
                      Join(missed, ", ", " and ") + ")");
    }
    if (!critical.empty()) {
      parts.push_back(Plural(critical.size(), "critical finding", "critical findings") + " (" +
                      Join(critical, ", ", " and ") + ")");
    }
    why = ": " + Join(parts, ", ", " and ");
  }
  // Consumers of one kind without settings to tell apart read as one group: "5 GetRecords
  // polling consumers (billing, fraud, ...)".
  std::vector<std::string> consumers;
  std::vector<std::string> kinds;
  bool grouped = false;
  for (const ConsumerResult& c : r.consumers) {
    const std::string kind = report::ConsumerKindName(c);
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) continue;
    kinds.push_back(kind);
    std::vector<const ConsumerResult*> same;
    for (const ConsumerResult& d : r.consumers) {
      if (report::ConsumerKindName(d) == kind) same.push_back(&d);
    }
    if (same.size() == 1 || c.lambda || c.firehose) {
      for (const ConsumerResult* d : same) consumers.push_back(ConsumerBrief(*d));
    } else {
      std::vector<std::string> names;
      for (const ConsumerResult* d : same) names.push_back(d->name);
      grouped = true;
      consumers.push_back(Grouped(same.size()) + " " + kind + " consumers (" +
                          Join(names, ", ", " and ") + ")");
    }
  }
  std::string config =
      "with " + StreamBrief(r) + ", " + Plural(r.producers.size(), "producer", "producers");
  if (!r.producers.empty() && r.producers.size() <= 3) {
    std::vector<std::string> names;
    for (const ProducerResult& pr : r.producers) names.push_back(pr.name + ", " + pr.api);
    config += " (" + Join(names, "; ", "; ") + ")";
  }
  if (r.consumers.empty()) {
    config += " and no consumers";
  } else if (grouped) {
    config += " and " + Join(consumers, ", ", " and ");
  } else {
    config += std::string(r.consumers.size() == 1 ? " and consumer " : " and consumers ") +
              Join(consumers, ", ", " and ");
  }
  p.text.push_back(Plain(why + ", " + config + "; cost " + CostBrief(r) + "."));
  return p;
}

namespace {

BulletList Configuration(const RunResult& r) {
  BulletList l;
  if (r.stream_mode == kNoStreamMode) {
    l.items.push_back({Strong("Stream: "), Plain("none; every producer writes to a Direct PUT "
                                                 "Firehose.")});
  } else {
    l.items.push_back(
        {Strong("Stream: "),
         Plain(StreamBrief(r) + " open at the end" +
               // Runs whose shards change: the fewest and most open at any instant.
               (r.max_open_shards > 0 ? " (" + std::to_string(r.min_open_shards) + " to " +
                                            std::to_string(r.max_open_shards) + " over the run)"
                                      : std::string()) +
               ", per-shard write limits " + LimitsText(r, " and ") + ".")});
    if (const std::string modes = report::ModeTimelineText(r); !modes.empty()) {
      l.items.push_back({Strong("Capacity mode: "), Plain(modes + ".")});
    }
  }
  for (size_t i = 0; i < r.producers.size() && i < kListedProducers; ++i) {
    const ProducerResult& p = r.producers[i];
    l.items.push_back({Strong("Producer "), Code(p.name),
                       Plain(": " + p.api + ", " +
                             Plural(static_cast<uint64_t>(p.instances), "instance", "instances") +
                             "; " + Grouped(p.records_produced) + " records produced.")});
  }
  if (r.producers.size() > kListedProducers) {
    l.items.push_back({Plain("and " + Grouped(r.producers.size() - kListedProducers) +
                             " more producers (see the producer table).")});
  }
  for (const ConsumerResult& c : r.consumers) {
    std::string s = ": " + report::ConsumerKindName(c);
    if (c.lambda) {
      const LambdaResult& l2 = *c.lambda;
      s += ", " + l2.source + " source";
      if (l2.memory_mb > 0) {
        s += ", " + Grouped(static_cast<uint64_t>(l2.memory_mb)) + " MB " + l2.architecture;
      }
      if (l2.batch_records.count > 0) {
        s += "; batches of " + Fixed(l2.batch_records.mean, 1) + " records on average, " +
             Count(l2.batch_records.max) + " at most";
      }
      s += "; concurrency up to " + Count(l2.concurrency_max) +
           ". Batch size, batching window and parallelization factor are not in the result.";
    } else if (c.firehose) {
      const FirehoseResult& f = *c.firehose;
      s += f.source == "direct_put" ? ", Direct PUT" : ", reading the stream";
      s += "; " + Plural(f.objects_written, "object", "objects") + " written (" +
           Grouped(f.flushes_by_size) + " flushed by size, " + Grouped(f.flushes_by_interval) +
           " by interval)";
      if (f.object_bytes.count > 0) s += ", " + ApproxBytes(f.object_bytes.mean) + " on average";
      if (f.partitions > 1) s += "; " + Grouped(f.partitions) + " partitions";
      s += ". Buffering hints are not in the result.";
    } else {
      if (c.type == "kcl") {
        s += ", " + Plural(static_cast<uint64_t>(c.workers), "worker", "workers");
      }
      if (!c.starting_position.empty()) s += ", from " + c.starting_position;
      s += ".";
    }
    l.items.push_back({Strong("Consumer "), Code(c.name), Plain(s)});
  }
  std::string cost = CostBrief(r);
  if (r.cost && r.cost->priced && !r.cost->price_file.empty()) {
    cost += ", prices from " + r.cost->price_file;
  }
  l.items.push_back({Strong("Cost: "), Plain(cost + ".")});
  l.items.push_back({Strong("Run: "), Plain(DurationText(r.duration_s) + " simulated, seed " +
                                            std::to_string(r.seed) + ", " +
                                            Grouped(r.events_processed) + " events.")});
  return l;
}

Table HeadlineTable(const RunResult& r) {
  Table t;
  t.columns = {{"figure", false}, {"value", true}};
  for (const report::Headline& h : report::Headlines(r)) {
    t.rows.push_back({{Plain(h.label)}, {Plain(report::FormatHeadline(h.kind, h.value))}});
  }
  return t;
}

// ---------------------------------------------------------------- findings

// Where and when a finding shows in the series: the shard's busiest and throttled windows, the
// stream's throttled windows, or the consumer's iterator-age peak and read throttles.
std::string WhereAndWhen(const RunResult& r, const Finding& f, const report::TimeUnit& unit) {
  std::vector<std::string> parts;
  auto throttle_windows = [&](const std::vector<const SeriesTable*>& tables,
                              const std::string& column, const std::string& what) {
    // Per row time: the total of the column over the tables.
    std::vector<std::pair<double, double>> by_time;
    for (const SeriesTable* t : tables) {
      if (t == nullptr) continue;
      const int col = report::ColumnIndex(*t, column);
      if (col < 0) continue;
      if (by_time.size() < t->rows.size()) by_time.resize(t->rows.size(), {0.0, 0.0});
      for (size_t i = 0; i < t->rows.size(); ++i) {
        by_time[i].first = t->rows[i][0];
        const double v = t->rows[i][static_cast<size_t>(col)];
        if (std::isfinite(v)) by_time[i].second += v;
      }
    }
    size_t windows = 0;
    double first = 0, last = 0, most = 0, most_t = 0;
    for (const auto& [t, v] : by_time) {
      if (!(v > 0)) continue;
      if (windows++ == 0) first = t;
      last = t;
      if (v > most) most = v, most_t = t;
    }
    if (windows == 0) return;
    parts.push_back(what + " in " + Plural(windows, "window", "windows") +
                    (windows > 1 ? " between " + report::TimeText(first, unit) + " and " +
                                       report::TimeText(last, unit)
                                 : " at " + report::TimeText(first, unit)) +
                    ", most at " + report::TimeText(most_t, unit) + " (" + Count(most) + ")");
  };
  // A consumer's finding is about its reading; a shard's write peak would only distract.
  if (const ShardResult* s = f.shard >= 0 && f.consumer < 0 ? ShardByIndex(r, f.shard) : nullptr) {
    if (const SeriesTable* t = report::ShardSeries(r, *s)) {
      const int rc = report::ColumnIndex(*t, "records_in"),
                bc = report::ColumnIndex(*t, "bytes_in");
      double best = -1, best_t = 0;
      bool by_bytes = false;
      for (size_t i = 0; i < t->rows.size() && rc >= 0 && bc >= 0; ++i) {
        const double w = report::WindowSeconds(*t, i, r.duration_s);
        if (!(w > 0)) continue;
        const double ur = t->rows[i][static_cast<size_t>(rc)] / (r.write_limit_records_per_sec * w);
        const double ub = t->rows[i][static_cast<size_t>(bc)] / (r.write_limit_bytes_per_sec * w);
        const double u = std::max(std::isfinite(ur) ? ur : 0.0, std::isfinite(ub) ? ub : 0.0);
        if (u > best) best = u, best_t = t->rows[i][0], by_bytes = ub > ur;
      }
      if (best > 0) {
        parts.push_back(s->shard_id + " accepts the most at " + report::TimeText(best_t, unit) +
                        " (" + PercentWhole(best) + " of its " + (by_bytes ? "bytes" : "records") +
                        " limit)");
      }
      throttle_windows({t}, "throttled_records", "throttled");
    }
  } else if (f.subject == "stream" &&
             (f.kind == FindingKind::kWriteThrottling || f.kind == FindingKind::kSloViolated)) {
    std::vector<const SeriesTable*> tables;
    for (const ShardResult& shard : r.shards) tables.push_back(report::ShardSeries(r, shard));
    throttle_windows(tables, "throttled_records", "writes throttled");
  }
  if (f.consumer >= 0 && static_cast<size_t>(f.consumer) < r.consumers.size()) {
    const ConsumerResult& c = r.consumers[static_cast<size_t>(f.consumer)];
    // The series say when a consumer fell behind or was throttled; for other kinds (idle
    // workers, small objects) they would only distract.
    const FindingKind k = f.kind;
    const bool lag = k == FindingKind::kIteratorAgeGrowing || k == FindingKind::kCatchingUp ||
                     k == FindingKind::kRecordsExpired || k == FindingKind::kRetentionRisk ||
                     k == FindingKind::kUnownedShards || k == FindingKind::kLambdaShardStalled ||
                     k == FindingKind::kLambdaConcurrencyThrottled ||
                     k == FindingKind::kSloViolated;
    const bool reads = k == FindingKind::kReadThrottling || k == FindingKind::kLambdaReadContention;
    const SeriesTable* t = lag || reads ? report::ConsumerSeries(r, c) : nullptr;
    if (t != nullptr) {
      const int col = lag ? report::ColumnIndex(*t, "iterator_age_ms") : -1;
      double best = -1, best_t = 0;
      for (size_t i = 0; i < t->rows.size() && col >= 0; ++i) {
        const double v = t->rows[i][static_cast<size_t>(col)];
        if (std::isfinite(v) && v > best) best = v, best_t = t->rows[i][0];
      }
      if (best >= 0) {
        parts.push_back(c.name + "'s iterator age is highest at " + report::TimeText(best_t, unit) +
                        " (" + report::Duration(best) +
                        " in the per-window series, warm-up included)");
      }
      if (reads) throttle_windows({t}, "read_throttles", "GetRecords throttled");
    }
  }
  return Join(parts, "; ", "; ");
}

void Findings(const RunResult& r, Document* doc) {
  doc->blocks.push_back(
      Heading{2, "Findings (" + std::to_string(r.findings.size()) + ")", "findings"});
  if (r.findings.empty()) {
    doc->blocks.push_back(Paragraph{{Plain("No findings: nothing the analysis checks for showed "
                                           "up in this run.")},
                                    ""});
    return;
  }
  std::vector<const Finding*> sorted;
  for (const Finding& f : r.findings) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Finding* a, const Finding* b) { return a->severity < b->severity; });
  const report::TimeUnit unit = report::TimeUnitFor(r.duration_s);
  for (size_t i = 0; i < sorted.size(); ++i) {
    const Finding& f = *sorted[i];
    report::Box box;
    box.css_class = "finding " + std::string(SeverityName(f.severity));
    Inline head = {Badge(f.severity), Plain(" "), Strong(std::string(FindingKindName(f.kind)))};
    if (!f.subject.empty()) {
      head.push_back(Plain(" on "));
      head.push_back(Code(f.subject));
    }
    box.paragraphs.push_back(std::move(head));
    box.paragraphs.push_back({Strong("Evidence: "), Plain(f.evidence)});
    const std::string when = WhereAndWhen(r, f, unit);
    if (!when.empty()) box.paragraphs.push_back({Strong("Where and when: "), Plain(when + ".")});
    if (!f.figures.empty()) {
      std::vector<std::string> figs;
      for (size_t k = 0; k < f.figures.size() && k < kShownFigures; ++k) {
        figs.push_back(report::FigureText(f.figures[k]));
      }
      if (f.figures.size() > kShownFigures) {
        figs.push_back(std::to_string(f.figures.size() - kShownFigures) + " more in result.json");
      }
      box.paragraphs.push_back({Strong("Figures: "), Plain(Join(figs, "; ", "; ") + ".")});
    }
    box.paragraphs.push_back({Strong("Fix: "), Plain(f.recommendation)});
    if (!f.new_starting_hash_key.empty()) {
      const ShardResult* s = f.shard >= 0 ? ShardByIndex(r, f.shard) : nullptr;
      const std::string shard = s != nullptr ? s->shard_id : f.subject;
      Inline split = {Strong("Split:"), Plain(" SplitShard with ShardToSplit "), Code(shard),
                      Plain(" and NewStartingHashKey "), Code(f.new_starting_hash_key)};
      const double frac = report::HashKeyFraction(f.new_starting_hash_key);
      if (std::isfinite(frac)) {
        split.push_back(Plain(" (at " + Fixed(frac * 100, 3) + "% of the hash key space)"));
      }
      split.push_back(Plain("; with the AWS CLI: "));
      split.push_back(Code("aws kinesis split-shard --stream-name STREAM --shard-to-split " +
                           shard + " --new-starting-hash-key " + f.new_starting_hash_key));
      split.push_back(Plain("."));
      box.paragraphs.push_back(std::move(split));
    }
    doc->blocks.push_back(std::move(box));
  }
}

// ---------------------------------------------------------------- charts

void AddChart(const Chart& c, Document* doc) {
  if (c.svg.empty()) {
    if (!c.caption.empty()) doc->blocks.push_back(Paragraph{c.caption, "note"});
    return;
  }
  doc->blocks.push_back(
      report::Figure{"fig-" + c.name, "report/" + c.name + ".svg", c.svg, c.title, c.caption});
}

void Charts(const RunResult& r, Document* doc) {
  doc->blocks.push_back(Heading{2, "Charts", "charts"});
  AddChart(report::UtilisationChart(r), doc);
  if (r.consumers.empty()) {
    doc->blocks.push_back(Paragraph{
        {Plain("No consumers: no latency distribution and no iterator age to chart.")}, "note"});
  } else {
    AddChart(report::LatencyCdfChart(r), doc);
    AddChart(report::IteratorAgeChart(r), doc);
  }
  AddChart(report::WriteThrottleChart(r), doc);
  AddChart(report::OpenShardsChart(r), doc);
  AddChart(report::ReadThrottleChart(r), doc);
  const std::vector<Chart> keys = report::KeyShareCharts(r);
  uint64_t written = 0;
  for (const ShardResult& s : r.shards) written += s.records_in;
  if (keys.empty() && written > 0) {
    doc->blocks.push_back(Paragraph{
        {Plain("No hot shard (no hot_shard or hot_key finding, and no shard near its limit "
               "with a few keys carrying a fifth of its records): key shares are not charted; "
               "the shard table lists each shard's top key.")},
        "note"});
  }
  for (const Chart& c : keys) AddChart(c, doc);
  AddChart(report::CostChart(r), doc);
}

// ---------------------------------------------------------------- tables

std::string Rate(double records_per_s, double bytes_per_s) {
  return Count(std::round(records_per_s)) + "/s, " + ApproxByteRate(std::max(bytes_per_s, 0.0));
}

void ShardTable(const RunResult& r, Document* doc) {
  doc->blocks.push_back(Heading{3, "Shards", "shards"});
  if (r.shards.empty()) {
    doc->blocks.push_back(Paragraph{{Plain("No shards.")}, ""});
    return;
  }
  std::vector<const ShardResult*> shards = report::ShardsInHashOrder(r);
  const size_t total = shards.size();
  if (total > kReportShardRows) {
    std::stable_sort(shards.begin(), shards.end(), [&](const auto* a, const auto* b) {
      return report::PeakLoad(r, *a).utilisation > report::PeakLoad(r, *b).utilisation;
    });
    shards.resize(kReportShardRows);
    doc->blocks.push_back(Paragraph{
        {Plain("The " + std::to_string(kReportShardRows) + " hottest of " + Grouped(total) +
               " shards by peak utilisation; every shard is in the heat map above and in "
               "result.json.")},
        "note"});
  } else {
    doc->blocks.push_back(Paragraph{
        {Plain("In hash-key order. Peak: the busiest second of demand (first attempts), against "
               "the limit that binds.")},
        "note"});
  }
  const int decimals = total > 100 ? 4 : 3;
  Table t;
  t.columns = {{"shard", false},     {"key range", false, true}, {"state", false},
               {"records in", true}, {"peak demand", true},      {"peak", true},
               {"throttled", true},  {"expected share", true},   {"top key", false}};
  for (const ShardResult* s : shards) {
    const report::ShardLoad load = report::PeakLoad(r, *s);
    std::string throttled = Grouped(s->throttled_records);
    if (s->throttled_records > 0) {
      throttled += " (" + Grouped(s->throttled_by_records_limit) + " rec, " +
                   Grouped(s->throttled_by_bytes_limit) + " bytes)";
    }
    const KeyShare* top = s->top_keys.empty() ? nullptr : &s->top_keys.front();
    for (const KeyShare& k : s->top_keys) {
      if (k.share > top->share) top = &k;
    }
    Inline top_cell;
    if (top != nullptr) {
      top_cell = {Code(top->key), Plain(" " + SharePercent(top->share))};
    } else {
      top_cell = {Plain("-")};
    }
    t.rows.push_back(
        {{Code(s->shard_id)},
         {Plain(Fixed(report::HashKeyFraction(s->starting_hash_key), decimals) + "–" +
                Fixed(report::HashKeyFraction(s->ending_hash_key), decimals))},
         {Plain(s->state)},
         {Plain(Grouped(s->records_in))},
         {Plain(Rate(
             s->first_attempts > 0 ? s->peak_demand_records_per_s : s->peak_offered_records_per_s,
             s->first_attempts > 0 ? s->peak_demand_bytes_per_s : s->peak_offered_bytes_per_s))},
         {Plain(PercentWhole(load.utilisation) + (load.by_bytes ? " bytes" : " records"))},
         {Plain(throttled)},
         {Plain(SharePercent(s->expected_share))},
         std::move(top_cell)});
  }
  doc->blocks.push_back(std::move(t));
}

std::string LatencyCell(const LatencySummary& l, double LatencySummary::*field) {
  return l.count > 0 ? report::Duration(l.*field) : "-";
}

void OperationsTable(const RunResult& r, Document* doc) {
  if (r.operations.empty()) return;
  doc->blocks.push_back(Heading{3, "Stream operations", "operations"});
  doc->blocks.push_back(Paragraph{
      {Plain("Each call on the stream (the on-demand service's splits decided together in one "
             "row). Throttled: records in the write-throttling episode around it; age max: the "
             "highest iterator age of any consumer around it.")},
      "note"});
  constexpr size_t kRows = 30;
  size_t more = 0;
  Table t;
  t.columns = {{"at", true},       {"operation", false},        {"cause", false},
               {"outcome", false}, {"open shards", true, true}, {"throttled", true},
               {"age max", true}};
  for (const report::OperationRow& o : report::OperationRows(r, kRows, &more)) {
    t.rows.push_back({{Plain(o.at)},
                      {Code(o.operation)},
                      {Plain(o.cause)},
                      {Plain(o.outcome)},
                      {Plain(o.shards)},
                      {Plain(o.throttled)},
                      {Plain(o.age)}});
  }
  doc->blocks.push_back(std::move(t));
  if (more > 0) {
    doc->blocks.push_back(Paragraph{
        {Plain("And " + Grouped(more) + " more: see operations[] in result.json.")}, "note"});
  }
}

void ProducerTable(const RunResult& r, Document* doc) {
  doc->blocks.push_back(Heading{3, "Producers", "producers"});
  if (r.producers.empty()) {
    doc->blocks.push_back(Paragraph{{Plain("No producers.")}, ""});
    return;
  }
  Table t;
  t.columns = {{"producer", false},         {"API", false},
               {"instances", true},         {"produced", true},
               {"accepted", true},          {"throttled attempts", true},
               {"retried", true},           {"dropped", true},
               {"duplicates", true},        {"put p99", true},
               {"record latency p99", true}};
  for (const ProducerResult& p : r.producers) {
    t.rows.push_back({{Code(p.name)},
                      {Plain(p.api)},
                      {Plain(Grouped(static_cast<uint64_t>(std::max<int64_t>(p.instances, 0))))},
                      {Plain(Grouped(p.records_produced))},
                      {Plain(Grouped(p.records_accepted))},
                      {Plain(Grouped(p.records_throttled))},
                      {Plain(Grouped(p.records_retried))},
                      {Plain(Grouped(p.records_dropped))},
                      {Plain(Grouped(p.duplicates))},
                      {Plain(LatencyCell(p.put_latency, &LatencySummary::p99_ms))},
                      {Plain(LatencyCell(p.record_latency, &LatencySummary::p99_ms))}});
  }
  doc->blocks.push_back(std::move(t));
}

void ConsumerTables(const RunResult& r, Document* doc) {
  doc->blocks.push_back(Heading{3, "Consumers", "consumers"});
  if (r.consumers.empty()) {
    doc->blocks.push_back(Paragraph{{Plain("No consumers.")}, ""});
    return;
  }
  doc->blocks.push_back(Paragraph{
      {Plain("Records are Kinesis records as stored (a KPL aggregate counts once). Latency: "
             "created at the producer to processed (Firehose: to the object written).")},
      "note"});
  Table t;
  t.columns = {{"consumer", false},        {"type", false},
               {"start", false},           {"available", true},
               {"processed", true},        {"unread", true},
               {"expired", true},          {"failed", true},
               {"latency p50", true},      {"latency p99", true},
               {"max iterator age", true}, {"read throttles", true}};
  for (const ConsumerResult& c : r.consumers) {
    t.rows.push_back({{Code(c.name)},
                      {Plain(report::ConsumerKindName(c))},
                      {Plain(c.starting_position.empty() ? "-" : c.starting_position)},
                      {Plain(Grouped(c.records_available))},
                      {Plain(Grouped(c.records_processed))},
                      {Plain(Grouped(c.records_unread))},
                      {Plain(Grouped(c.records_expired))},
                      {Plain(Grouped(c.records_failed))},
                      {Plain(LatencyCell(c.latency, &LatencySummary::p50_ms))},
                      {Plain(LatencyCell(c.latency, &LatencySummary::p99_ms))},
                      {Plain(c.firehose && c.firehose->source == "direct_put"
                                 ? "-"
                                 : report::Duration(c.iterator_age_max_ms))},
                      {Plain(Grouped(c.read_throttles))}});
  }
  doc->blocks.push_back(std::move(t));

  Table lambda;
  lambda.columns = {{"Lambda", false},         {"invocations", true},  {"failed", true},
                    {"retries", true},         {"throttles", true},    {"batch mean / max", true},
                    {"concurrency max", true}, {"duration p99", true}, {"max stall", true},
                    {"to destination", true},  {"dropped", true},      {"GB-seconds", true}};
  Table firehose;
  firehose.columns = {{"Firehose", false},
                      {"source", false},
                      {"delivered", true},
                      {"objects", true},
                      {"by size / interval", true},
                      {"object mean", true},
                      {"delivery p50", true},
                      {"delivery p99", true},
                      {"failed", true},
                      {"billed GB", true},
                      {"S3 PUTs", true}};
  for (const ConsumerResult& c : r.consumers) {
    if (c.lambda) {
      const LambdaResult& l = *c.lambda;
      lambda.rows.push_back(
          {{Code(c.name)},
           {Plain(Grouped(l.invocations))},
           {Plain(Grouped(l.invocations_failed))},
           {Plain(Grouped(l.retries))},
           {Plain(Grouped(l.throttles))},
           {Plain(l.batch_records.count > 0
                      ? Fixed(l.batch_records.mean, 1) + " / " + Count(l.batch_records.max)
                      : "-")},
           {Plain(Count(l.concurrency_max))},
           {Plain(LatencyCell(l.duration, &LatencySummary::p99_ms))},
           {Plain(l.max_stall_ms > 0
                      ? report::Duration(l.max_stall_ms) +
                            (l.max_stall_shard.empty() ? "" : " (" + l.max_stall_shard + ")")
                      : "-")},
           {Plain(Grouped(l.records_to_destination))},
           {Plain(Grouped(l.records_dropped))},
           {Plain(Fixed(l.gb_seconds, 1))}});
    }
    if (c.firehose) {
      const FirehoseResult& f = *c.firehose;
      firehose.rows.push_back(
          {{Code(c.name)},
           {Plain(f.source)},
           {Plain(Grouped(f.records_delivered))},
           {Plain(Grouped(f.objects_written))},
           {Plain(Grouped(f.flushes_by_size) + " / " + Grouped(f.flushes_by_interval))},
           {Plain(f.object_bytes.count > 0 ? ApproxBytes(f.object_bytes.mean) : "-")},
           {Plain(LatencyCell(f.delivery_latency, &LatencySummary::p50_ms))},
           {Plain(LatencyCell(f.delivery_latency, &LatencySummary::p99_ms))},
           {Plain(Grouped(f.records_backed_up + f.records_transform_failed))},
           {Plain(Fixed(f.ingested_gb_billed, 3))},
           {Plain(Grouped(f.s3_put_requests))}});
    }
  }
  if (!lambda.rows.empty()) doc->blocks.push_back(std::move(lambda));
  if (!firehose.rows.empty()) doc->blocks.push_back(std::move(firehose));
}

void CostTable(const RunResult& r, Document* doc) {
  doc->blocks.push_back(Heading{3, "Cost", "cost"});
  if (!r.cost) {
    doc->blocks.push_back(
        Paragraph{{Strong("Not priced: "), Plain("this result carries no cost (no price table was "
                                                 "applied).")},
                  ""});
    return;
  }
  const CostResult& c = *r.cost;
  if (!c.priced) {
    Inline text = {Strong("Not priced"), Plain(c.notes.empty() ? "." : ": ")};
    if (!c.notes.empty()) text.push_back(Plain(Join(c.notes, "; ", "; ") + "."));
    doc->blocks.push_back(Paragraph{std::move(text), ""});
    return;
  }
  doc->blocks.push_back(
      Paragraph{{Plain("Prices from " +
                       (c.price_file.empty() ? std::string("the built-in table") : c.price_file) +
                       (c.region.empty() ? "" : ", " + c.region) +
                       (c.date.empty() ? "" : ", dated " + c.date) + "; the run's " +
                       Fixed(c.run_hours, 3) + " hours projected to a month of 730 hours.")},
                "note"});
  Table t;
  t.columns = {{"dimension", false}, {"subject", false}, {"quantity (run)", true},
               {"unit price", true}, {"this run", true}, {"per month", true},
               {"source", false}};
  for (const CostItem& item : c.items) {
    t.rows.push_back({{Code(item.dimension)},
                      {Plain(item.subject.empty() ? "-" : item.subject)},
                      {Plain(SignificantDigits(item.quantity, 6) + " " + item.unit)},
                      {Plain(report::UnitPriceUsd(item.unit_price_usd))},
                      {Plain(Usd(item.amount_usd))},
                      {Plain(Usd(item.per_month_usd))},
                      {Plain(item.source.empty() ? "-" : item.source)}});
  }
  t.rows.push_back({{Strong("total")},
                    {Plain("")},
                    {Plain("")},
                    {Plain("")},
                    {Strong(Usd(c.total_usd))},
                    {Strong(Usd(c.total_per_month_usd))},
                    {Plain("")}});
  doc->blocks.push_back(std::move(t));
  if (!c.notes.empty()) {
    BulletList notes;
    for (const std::string& n : c.notes) notes.items.push_back({Plain(n)});
    doc->blocks.push_back(std::move(notes));
  }
}

void Tables(const RunResult& r, Document* doc) {
  doc->blocks.push_back(Heading{2, "Tables", "tables"});
  ShardTable(r, doc);
  OperationsTable(r, doc);
  ProducerTable(r, doc);
  ConsumerTables(r, doc);
  CostTable(r, doc);
  const Conservation& c = r.conservation;
  doc->blocks.push_back(
      Paragraph{{Strong(c.ok ? "Conservation: ok. " : "Conservation: FAILED. "),
                 Plain("Produced " + Grouped(c.produced) + ", accepted " + Grouped(c.accepted) +
                       ", dropped " + Grouped(c.dropped) + ", in flight at the end " +
                       Grouped(c.in_flight) + ", duplicates " + Grouped(c.duplicates) +
                       (c.detail.empty() ? "." : ": " + c.detail + "."))},
                ""});
}

// ---------------------------------------------------------------- assumptions

bool Unconfirmed(const Assumption& a) {
  return a.source.find("UNCONFIRMED") != std::string::npos ||
         a.value.find("UNCONFIRMED") != std::string::npos;
}

void Assumptions(const RunResult& r, Document* doc) {
  doc->blocks.push_back(Heading{2, "Assumptions", "assumptions"});
  std::vector<std::string> unconfirmed;
  for (const Assumption& a : r.assumptions) {
    if (Unconfirmed(a)) unconfirmed.push_back(a.name);
  }
  if (r.assumptions.empty()) {
    doc->blocks.push_back(Paragraph{{Plain("The result lists no assumptions.")}, ""});
  } else {
    Inline lead = {Plain("The run used " +
                         Plural(r.assumptions.size(), "limit or default", "limits and defaults") +
                         ", each with its source below. ")};
    if (unconfirmed.empty()) {
      lead.push_back(Plain("None is marked UNCONFIRMED."));
    } else {
      lead.push_back(Strong(Grouped(unconfirmed.size()) + " are UNCONFIRMED"));
      lead.push_back(
          Plain(" (no AWS figure or documented algorithm backs them; where the source "
                "names a field, the scenario can change it): " +
                Join(unconfirmed, "; ", "; ") + "."));
    }
    doc->blocks.push_back(Paragraph{std::move(lead), ""});
    Table t;
    t.columns = {{"status", false}, {"assumption", false}, {"value", false}, {"source", false}};
    for (const Assumption& a : r.assumptions) {
      report::Span status = Unconfirmed(a) ? report::Span{"UNCONFIRMED", report::Style::kStrong,
                                                          "sev sev-unconfirmed"}
                                           : Plain("sourced");
      t.rows.push_back({{status}, {Plain(a.name)}, {Plain(a.value)}, {Plain(a.source)}});
    }
    doc->blocks.push_back(std::move(t));
  }
  Inline prices = {Strong("Prices: ")};
  if (r.cost && r.cost->priced) {
    prices.push_back(
        Plain((r.cost->price_file.empty() ? std::string("built-in table") : r.cost->price_file) +
              (r.cost->region.empty() ? "" : ", region " + r.cost->region) +
              (r.cost->currency.empty() ? "" : ", " + r.cost->currency) +
              (r.cost->date.empty() ? ", undated." : ", dated " + r.cost->date + ".")));
  } else {
    prices.push_back(Plain("not priced."));
  }
  doc->blocks.push_back(Paragraph{std::move(prices), ""});

  doc->blocks.push_back(Heading{3, "Reproducibility", "reproducibility"});
  BulletList l;
  l.items.push_back(
      {Plain("Seed " + std::to_string(r.seed) + ", " + DurationText(r.duration_s) +
             " simulated, result schema version " + std::to_string(r.schema_version) + ".")});
  if (r.provenance) {
    const Provenance& p = *r.provenance;
    if (!p.shardsim_version.empty()) {
      l.items.push_back({Plain("shardsim version " + p.shardsim_version + ".")});
    }
    if (!p.command_line.empty()) {
      l.items.push_back({Plain("Command line: "), Code(p.command_line)});
    }
    if (!p.scenario_file.empty())
      l.items.push_back({Plain("Scenario file: "), Code(p.scenario_file)});
    if (!p.scenario_sha256.empty()) {
      l.items.push_back({Plain("Scenario SHA-256: "), Code(p.scenario_sha256)});
    }
  } else {
    l.items.push_back(
        {Plain("Provenance (shardsim version, command line, scenario digest) is not "
               "recorded in this result.")});
  }
  l.items.push_back({Plain("Render this report again from the result directory, without "
                           "simulating: "),
                     Code("shardsim report DIR")});
  doc->blocks.push_back(std::move(l));
}

// Every figure of the document, as report/<name>.svg files.
}  // namespace

report::Document RunReportDocument(const RunResult& r) {
  Document doc;
  const std::string name = r.scenario.empty() ? "(unnamed scenario)" : r.scenario;
  doc.title = "Architecture review: " + name;
  doc.blocks.push_back(Heading{1, doc.title, "top"});
  std::string sub = DurationText(r.duration_s) + " simulated, seed " + std::to_string(r.seed);
  if (r.provenance && !r.provenance->shardsim_version.empty()) {
    sub += ", shardsim " + r.provenance->shardsim_version;
  }
  doc.blocks.push_back(Paragraph{{Emphasis(sub)}, "subtitle"});

  doc.blocks.push_back(Heading{2, "Verdict", "verdict"});
  doc.blocks.push_back(RunVerdict(r));
  doc.blocks.push_back(Configuration(r));
  doc.blocks.push_back(HeadlineTable(r));
  Findings(r, &doc);
  Charts(r, &doc);
  Tables(r, &doc);
  Assumptions(r, &doc);
  return doc;
}

std::vector<ReportFile> RenderDocumentFiles(const Document& doc, const std::string& stem) {
  std::vector<ReportFile> files;
  files.push_back({stem + ".md", report::ToMarkdown(doc)});
  files.push_back({stem + ".html", report::ToHtml(doc)});
  for (const report::Block& b : doc.blocks) {
    if (const auto* f = std::get_if<report::Figure>(&b)) files.push_back({f->file, f->svg});
  }
  return files;
}

std::vector<ReportFile> RenderRunReport(const RunResult& result) {
  return RenderDocumentFiles(RunReportDocument(result), "report");
}

std::optional<std::vector<ReportFile>> RenderRunReportFromFiles(
    const std::function<std::optional<std::string>(const std::string& path)>& read,
    std::vector<Diagnostic>* errors) {
  const std::optional<std::string> json = read("result.json");
  if (!json) {
    errors->push_back({"", "cannot read result.json", 0, 0});
    return std::nullopt;
  }
  ResultRead parsed = ReadResultJson(*json);
  if (!parsed.ok()) {
    *errors = std::move(parsed.errors);
    return std::nullopt;
  }
  RunResult result = std::move(*parsed.result);
  std::vector<Diagnostic> series_errors = LoadSeries(&result, read);
  if (!series_errors.empty()) {
    *errors = std::move(series_errors);
    return std::nullopt;
  }
  return RenderRunReport(result);
}

}  // namespace shardsim
