// SummaryText: fixed sections, each a small table whose columns size to their contents and whose
// text columns shrink (cut with "...", see DistinguishingCut) until the line fits
// kSummaryWidthColumns. Exact quantities
// (duration, limits) use models/spec/units.h; measured ones (peaks, latencies) are rounded by
// models/result/format.h for reading, since the exact forms ("1000123B/s") are hard to scan. Pure
// function, thread-safe.
#include "reports/summary.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>
#include <vector>

#include "models/result/format.h"
#include "models/spec/units.h"
#include "reports/report_figures.h"
#include "sim/check.h"
#include "sim/time.h"

namespace shardsim {
namespace {

constexpr int kIndent = 2;
constexpr int kGap = 2;
constexpr int kMinShrunkWidth = 8;
constexpr int kTopShards = 3;

// Terminal columns of UTF-8 text: one per code point (continuation bytes are 10xxxxxx).
int Width(std::string_view s) {
  int w = 0;
  for (char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

// Byte offset of code point `n` of `s` (s.size() if there are fewer).
size_t CodePointOffset(std::string_view s, int n) {
  int seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool starts_code_point = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts_code_point && seen++ == n) return i;
  }
  return s.size();
}

// Where a name too long for its column loses code points: at its end (the start names it), in
// the middle, or at its start.
enum class Cut { kEnd, kMiddle, kStart };

// `s` cut to at most `width` columns with "..." where `cut` says; never splits a code point.
std::string Fit(std::string_view s, int width, Cut cut = Cut::kEnd) {
  const int w = Width(s);
  if (w <= width) return std::string(s);
  if (width <= 3) return std::string(static_cast<size_t>(std::max(width, 0)), '.');
  const int keep = width - 3;
  const int head = cut == Cut::kEnd ? keep : cut == Cut::kStart ? 0 : (keep + 1) / 2;
  const int tail = keep - head;
  return std::string(s.substr(0, CodePointOffset(s, head))) + "..." +
         std::string(s.substr(CodePointOffset(s, w - tail)));
}

// `cell` fitted to `width` with `cut`, keeping its last word whole when `keep_last_word`.
std::string FitCell(const std::string& cell, int width, Cut cut, bool keep_last_word) {
  const size_t space = keep_last_word ? cell.rfind(' ') : std::string::npos;
  if (space == std::string::npos) return Fit(cell, width, cut);
  const std::string last = cell.substr(space);
  return Fit(std::string_view(cell).substr(0, space), width - Width(last), cut) + last;
}

// The cut that keeps a column's distinct names distinct at `width`: at the end if that does (names
// are told apart by their start), else in the middle, else at the start. With `keep_last_word`
// the name is the cell without its last word (which is never cut and tells nothing apart).
Cut DistinguishingCut(const std::vector<std::vector<std::string>>& rows, size_t c, int width,
                      bool keep_last_word) {
  std::vector<std::pair<std::string, int>> names;  // (name, columns it may use)
  for (const auto& row : rows) {
    const size_t space = keep_last_word ? row[c].rfind(' ') : std::string::npos;
    if (space == std::string::npos) {
      names.emplace_back(row[c], width);
    } else {
      names.emplace_back(row[c].substr(0, space), width - Width(row[c].substr(space)));
    }
  }
  for (Cut cut : {Cut::kEnd, Cut::kMiddle, Cut::kStart}) {
    bool distinct = true;
    for (size_t i = 0; i < names.size() && distinct; ++i) {
      for (size_t j = 0; j < i && distinct; ++j) {
        distinct =
            names[i].first == names[j].first ||
            Fit(names[i].first, names[i].second, cut) != Fit(names[j].first, names[j].second, cut);
      }
    }
    if (distinct) return cut;
  }
  return Cut::kMiddle;
}

std::string Line(std::string_view text) { return Fit(text, kSummaryWidthColumns) + "\n"; }

// A measured duration in ms for a table: "0ms" for none, microseconds below a millisecond
// ("512us", "4.20us", "<1us"), else Millis ("41.3ms", "12.5s").
std::string DurationMs(double ms) {
  if (!std::isfinite(ms)) return "-";
  if (ms == 0) return "0ms";
  if (ms >= 1) return Millis(ms);
  const double us = ms * 1000;
  if (us < 1) return "<1us";
  return Fixed(us, us >= 100 ? 0 : us >= 10 ? 1 : 2) + "us";
}

using report::DurationText;

// "4 to 16 over the run (12 splits, 0 merges)", for runs whose shards change.
std::string OpenShardRange(const RunResult& r) {
  int splits = 0, merges = 0;
  for (const OperationResult& o : r.operations) {
    splits += o.splits;
    merges += o.merges;
  }
  return std::to_string(r.min_open_shards) + " to " + std::to_string(r.max_open_shards) +
         " over the run (" + std::to_string(splits) + (splits == 1 ? " split, " : " splits, ") +
         std::to_string(merges) + (merges == 1 ? " merge)" : " merges)");
}

std::string Header(const RunResult& r) {
  std::string s = r.scenario.empty() ? "(unnamed scenario)" : r.scenario;
  s += ": " + DurationText(r.duration_s) + " simulated, seed " + std::to_string(r.seed);
  if (r.stream_mode == kNoStreamMode) {
    s += ", no stream (Direct PUT only)";
  } else {
    if (!r.stream_mode.empty()) s += ", " + r.stream_mode;
    // A run that switched modes: the modes it went through, in order.
    for (size_t i = 1; i < r.mode_periods.size(); ++i) {
      std::string m = r.mode_periods[i].mode;
      for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      s += " -> " + m;
    }
    s += ", " + std::to_string(r.open_shards) +
         (r.open_shards == 1 ? " open shard" : " open shards");
  }
  s += ", " + Grouped(r.events_processed) + " events";
  const std::string modes = report::ModeTimelineText(r);
  const std::string mode_line =
      modes.empty() ? "" : Wrap("Capacity mode: " + modes, "", kSummaryWidthColumns);
  if (r.max_open_shards == 0) return Line(s) + mode_line;
  return Line(s) + Line("Open shards: " + OpenShardRange(r)) + mode_line;
}

// The stream operations, compact (report::OperationRows); empty without any.
std::string OperationsText(const RunResult& r) {
  if (r.operations.empty()) return "";
  constexpr size_t kRows = 12;
  size_t more = 0;
  const std::vector<report::OperationRow> ops = report::OperationRows(r, kRows, &more);
  const std::vector<TextColumn> cols = {{"at", true, false},     {"operation", false, true},
                                        {"cause", false, false}, {"outcome", false, true},
                                        {"shards", true, false}, {"throttled", true, false},
                                        {"age max", true, false}};
  std::vector<std::vector<std::string>> rows;
  for (const report::OperationRow& o : ops) {
    rows.push_back({o.at, o.operation, o.cause, o.outcome, o.shards, o.throttled, o.age});
  }
  std::string out = Wrap(
                        "Stream operations (open shards before -> after; throttled: records in "
                        "the throttling episode around it; age max: highest iterator age around "
                        "it)",
                        "", kSummaryWidthColumns) +
                    TextTable(cols, rows);
  if (more > 0) out += Line("  and " + std::to_string(more) + " more (result.json operations[])");
  return out + "\n";
}

std::string Producers(const RunResult& r) {
  if (r.producers.empty()) return "Producers: none\n";
  const std::vector<TextColumn> cols = {{"name", false, true},       {"api", false, false},
                                        {"produced", true, false},   {"accepted", true, false},
                                        {"throttled", true, false},  {"dropped", true, false},
                                        {"duplicates", true, false}, {"put p99", true, false}};
  std::vector<std::vector<std::string>> rows;
  for (const ProducerResult& p : r.producers) {
    rows.push_back({p.name, p.api, Grouped(p.records_produced), Grouped(p.records_accepted),
                    Grouped(p.records_throttled), Grouped(p.records_dropped), Grouped(p.duplicates),
                    p.put_latency.count == 0 ? "-" : DurationMs(p.put_latency.p99_ms)});
  }
  return "Producers (user records)\n" + TextTable(cols, rows);
}

std::string Noun(uint64_t n, std::string_view one, std::string_view many) {
  return Grouped(n) + " " + std::string(n == 1 ? one : many);
}

// What the warm-up saw: the tables count it, the findings and objectives do not.
std::string WarmupText(const RunResult& r) {
  if (!r.warmup) return "";
  const WarmupResult& w = *r.warmup;
  return Wrap("Warm-up: the first " + DurationText(w.duration_s) +
                  " (counted in the tables, not in the findings and objectives): " +
                  Noun(w.records_throttled, "record attempt", "record attempts") + " throttled, " +
                  Noun(w.records_dropped, "record", "records") + " dropped, " +
                  Noun(w.duplicates, "duplicate", "duplicates") + ", " +
                  Noun(w.read_throttles, "GetRecords call", "GetRecords calls") + " throttled.",
              "", kSummaryWidthColumns);
}

struct ShardLoad {
  const ShardResult* shard = nullptr;
  double utilisation = 0;
  bool by_bytes = false;
};

// A shard's load is its demand: first attempts, accepted or throttled, so retries do not inflate
// it and throttling does not cap it. (Older results without demand fall back to offered load.)
double DemandRecords(const ShardResult& s) {
  return s.first_attempts > 0 ? s.peak_demand_records_per_s
                              : std::max(s.peak_records_per_s, s.peak_offered_records_per_s);
}
double DemandBytes(const ShardResult& s) {
  return s.first_attempts > 0 ? s.peak_demand_bytes_per_s
                              : std::max(s.peak_bytes_per_s, s.peak_offered_bytes_per_s);
}

ShardLoad LoadOf(const ShardResult& s, double records_limit, double bytes_limit) {
  auto ratio = [](double peak, double limit) {
    return std::isfinite(peak) && std::isfinite(limit) && limit > 0 && peak > 0 ? peak / limit
                                                                                : 0.0;
  };
  const double records = ratio(DemandRecords(s), records_limit);
  const double bytes = ratio(DemandBytes(s), bytes_limit);
  return {&s, std::max(records, bytes), bytes > records};
}

const KeyShare* TopKey(const ShardResult& s) {
  const KeyShare* top = nullptr;
  for (const KeyShare& k : s.top_keys) {
    if (top == nullptr || k.records > top->records) top = &k;
  }
  return top;
}

std::string HottestShards(const RunResult& r) {
  std::vector<ShardLoad> loads;
  for (const ShardResult& s : r.shards) {
    const ShardLoad l = LoadOf(s, r.write_limit_records_per_sec, r.write_limit_bytes_per_sec);
    if (l.utilisation > 0) loads.push_back(l);
  }
  if (loads.empty()) return "Hottest shards: none (no writes)\n";
  std::stable_sort(loads.begin(), loads.end(), [](const ShardLoad& a, const ShardLoad& b) {
    return a.utilisation > b.utilisation;
  });
  // The most throttled shard belongs in the table even when bursts, not its busiest second, put
  // it there: it comes after the three busiest, still in load order.
  const auto most_throttled =
      std::max_element(loads.begin(), loads.end(), [](const ShardLoad& a, const ShardLoad& b) {
        return a.shard->throttled_records < b.shard->throttled_records;
      });
  const bool extra =
      most_throttled->shard->throttled_records > 0 && most_throttled - loads.begin() >= kTopShards;
  const ShardLoad throttled = *most_throttled;
  if (loads.size() > kTopShards) loads.resize(kTopShards);
  if (extra) loads.push_back(throttled);

  // The shard id is never cut; the top key is, but never its share.
  const std::vector<TextColumn> cols = {
      {"shard", false, false},       {"load", true, false},         {"limit", false, false},
      {"rec/s", true, false},        {"B/s", true, false},          {"throttled", true, false},
      {"stream share", true, false}, {"top key", false, true, true}};
  std::vector<std::vector<std::string>> rows;
  for (const ShardLoad& l : loads) {
    const ShardResult& s = *l.shard;
    const KeyShare* top = TopKey(s);
    rows.push_back({s.shard_id, PercentWhole(l.utilisation), l.by_bytes ? "bytes" : "records",
                    Count(DemandRecords(s)), ApproxBytes(DemandBytes(s)) + "/s",
                    Grouped(s.throttled_records),
                    s.expected_share > 0 ? SharePercent(s.expected_share) : "-",
                    top == nullptr ? "-" : top->key + " " + SharePercent(top->share)});
  }
  const std::string title =
      "Hottest shards (busiest second of demand, first attempts, vs " +
      FormatRecordRate(r.write_limit_records_per_sec) + " and " +
      FormatByteRate(r.write_limit_bytes_per_sec) +
      " per shard; in Kinesis records, a KPL aggregate once; stream share from key weights; top "
      "key with its share of the shard)";
  return Wrap(title, "", kSummaryWidthColumns) + TextTable(cols, rows);
}

// Whether some consumer read KPL aggregates: then Kinesis records and user records differ, and
// the consumer tables show both, each under its own label.
bool Aggregated(const RunResult& r) {
  for (const ConsumerResult& c : r.consumers) {
    if (c.user_records_processed != c.records_processed) return true;
  }
  return false;
}

std::string LambdaTable(const RunResult& r) {
  const bool both = Aggregated(r);
  std::vector<TextColumn> cols = {{"lambda", false, true}, {"invokes", true, false},
                                  {"errors", true, false}, {"throttles", true, false},
                                  {"conc", true, false},   {"dur p99", true, false},
                                  {"batch", true, false},  {"failed", true, false},
                                  {"stall", true, false},  {"GB-s", true, false}};
  if (both) cols.insert(cols.begin() + 7, TextColumn{"user/batch", true, false});
  std::vector<std::vector<std::string>> rows;
  for (const ConsumerResult& c : r.consumers) {
    if (!c.lambda) continue;
    const LambdaResult& l = *c.lambda;
    rows.push_back(
        {c.name, Grouped(l.invocations), Grouped(l.invocations_failed), Grouped(l.throttles),
         Count(l.concurrency_max), l.duration.count > 0 ? DurationMs(l.duration.p99_ms) : "-",
         Fixed(l.batch_records.mean, 1), Grouped(l.records_to_destination + l.records_dropped),
         DurationMs(l.max_stall_ms), Fixed(l.gb_seconds, 1)});
    if (both) rows.back().insert(rows.back().begin() + 7, Fixed(l.batch_user_records.mean, 1));
  }
  if (rows.empty()) return "";
  std::string out = "\n";
  out += TextTable(cols, rows);
  return out;
}

std::string FirehoseTable(const RunResult& r) {
  const bool both = Aggregated(r);
  std::vector<TextColumn> cols = {{"firehose", false, true},  {"source", false, false},
                                  {"delivered", true, false}, {"objects", true, false},
                                  {"obj mean", true, false},  {"deliv p50", true, false},
                                  {"p99", true, false},       {"failed", true, false},
                                  {"billed GB", true, false}, {"S3 PUTs", true, false}};
  if (both) cols.insert(cols.begin() + 3, TextColumn{"user", true, false});
  std::vector<std::vector<std::string>> rows;
  for (const ConsumerResult& c : r.consumers) {
    if (!c.firehose) continue;
    const FirehoseResult& f = *c.firehose;
    const bool has = f.delivery_latency.count > 0;
    rows.push_back({c.name, f.source, Grouped(f.records_delivered), Grouped(f.objects_written),
                    f.object_bytes.count > 0 ? ApproxBytes(f.object_bytes.mean) : "-",
                    has ? DurationMs(f.delivery_latency.p50_ms) : "-",
                    has ? DurationMs(f.delivery_latency.p99_ms) : "-",
                    Grouped(f.records_backed_up + f.records_transform_failed),
                    Fixed(f.ingested_gb_billed, 3), Grouped(f.s3_put_requests)});
    if (both) rows.back().insert(rows.back().begin() + 3, Grouped(f.user_records_delivered));
  }
  if (rows.empty()) return "";
  std::string out = "\n";
  out += TextTable(cols, rows);
  return out;
}

// One line per consumer outage: how long the consumer took to catch up after it.
std::string OutagesText(const RunResult& r) {
  std::string out;
  for (const ConsumerResult& c : r.consumers) {
    for (const OutageResult& o : c.outages) {
      std::string line =
          c.name + " down " + DurationText(o.from_s) + " to " + DurationText(o.to_s) + ": ";
      if (o.caught_up) {
        line += "caught up " + DurationMs(o.catch_up_s * 1000) + " after it ended";
      } else if (o.to_s >= r.duration_s) {
        line += "down at the end of the run";
      } else {
        line += "not caught up by the end of the run or the next outage (" +
                DurationMs(c.behind_at_end_ms) + " behind at the end)";
      }
      line += "; iterator age " + DurationMs(o.iterator_age_before_ms) + " before, peak " +
              DurationMs(o.iterator_age_peak_ms) + " after.";
      out += Wrap(line, "  ", kSummaryWidthColumns);
    }
  }
  return out.empty() ? out : "\n" + out;
}

std::string Consumers(const RunResult& r) {
  const bool both = Aggregated(r);
  std::vector<TextColumn> cols = {
      {"consumer", false, true},    {"type", false, false},     {"processed", true, false},
      {"latency p50", true, false}, {"p99", true, false},       {"propagation", true, false},
      {"age max", true, false},     {"throttled", true, false}, {"expired", true, false}};
  if (both) cols.insert(cols.begin() + 3, TextColumn{"user", true, false});
  std::vector<std::vector<std::string>> rows;
  for (const ConsumerResult& c : r.consumers) {
    const bool has = c.latency.count > 0;
    rows.push_back(
        {c.name, c.type, Grouped(c.records_processed), has ? DurationMs(c.latency.p50_ms) : "-",
         has ? DurationMs(c.latency.p99_ms) : "-",
         c.propagation.count > 0 ? DurationMs(c.propagation.mean_ms) : "-",
         DurationMs(c.iterator_age_max_ms), Grouped(c.read_throttles), Grouped(c.records_expired)});
    if (both) rows.back().insert(rows.back().begin() + 3, Grouped(c.user_records_processed));
  }
  // Record counts of consumers are Kinesis records as stored; with KPL aggregation the "user"
  // columns give the user records inside them (the producers' unit).
  const std::string units =
      both ? "record counts in Kinesis records, a KPL aggregate once; user: the user records in "
             "them (de-aggregated); "
           : "record counts in Kinesis records; ";
  return Wrap("Consumers (" + units +
                  "latency: created -> processed; propagation: mean arrival -> delivered)",
              "", kSummaryWidthColumns) +
         TextTable(cols, rows) + LambdaTable(r) + FirehoseTable(r) + OutagesText(r);
}

std::string ConservationText(const Conservation& c) {
  std::string s = c.ok ? "Conservation: ok" : "Conservation: FAILED";
  if (!c.detail.empty()) s += ": " + c.detail;
  return Line(s) + Line("  produced " + Grouped(c.produced) + "  accepted " + Grouped(c.accepted) +
                        "  dropped " + Grouped(c.dropped) + "  in flight " + Grouped(c.in_flight) +
                        "  duplicates " + Grouped(c.duplicates));
}

// A billed quantity: whole counts grouped ("162,852"), small ones with three significant digits.
std::string Quantity(double q) { return q >= 100 ? Count(std::round(q)) : SignificantDigits(q, 3); }

// Monthly cost by item, largest first (the run's rates over 730 hours), and the total.
std::string CostText(const RunResult& r) {
  if (!r.cost) return "";
  const CostResult& c = *r.cost;
  if (!c.priced) {
    std::string out = "Cost: not priced";
    if (!c.notes.empty()) out += ": " + c.notes.front();
    return Wrap(out, "", kSummaryWidthColumns) + "\n";
  }
  std::vector<const CostItem*> items;
  for (const CostItem& item : c.items) items.push_back(&item);
  std::stable_sort(items.begin(), items.end(), [](const CostItem* a, const CostItem* b) {
    return a->per_month_usd > b->per_month_usd;
  });
  const std::vector<TextColumn> cols = {{"item", false, true},       {"for", false, true},
                                        {"quantity", true, false},   {"unit", false, false},
                                        {"unit price", true, false}, {"per month", true, false}};
  std::vector<std::vector<std::string>> rows;
  for (const CostItem* item : items) {
    rows.push_back({item->dimension, item->subject.empty() ? "-" : item->subject,
                    Quantity(item->quantity), item->unit,
                    report::UnitPriceUsd(item->unit_price_usd), Usd(item->per_month_usd)});
  }
  std::string out = Line("Cost: " + Usd(c.total_per_month_usd) + "/month (this run's rates over " +
                         "730 h; prices " + c.price_file + ", " + c.region + ", " + c.date + ")");
  out += TextTable(cols, rows);
  for (const std::string& note : c.notes) out += Wrap("note: " + note, "  ", kSummaryWidthColumns);
  return out + "\n";
}

// Code points in UTF-8 text (the terminal columns of ordinary text).
size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Each finding in full: severity, kind and subject, then its evidence and recommendation wrapped
// to the terminal width -- the recommendation is what the user came for.
std::string Findings(const std::vector<Finding>& findings) {
  if (findings.empty()) return "Findings: none\n";
  std::vector<const Finding*> sorted;
  for (const Finding& f : findings) sorted.push_back(&f);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Finding* a, const Finding* b) {
    return a->severity < b->severity;  // most severe first
  });
  std::string out = "Findings (" + std::to_string(findings.size()) + ")\n";
  for (const Finding* f : sorted) {
    out += Wrap(std::string(SeverityName(f->severity)) + " " +
                    std::string(FindingKindName(f->kind)) + ": " + f->subject,
                "  ", kSummaryWidthColumns);
    out += Wrap(f->evidence, "      ", kSummaryWidthColumns);
    out += Wrap("-> " + f->recommendation, "      ", kSummaryWidthColumns);
  }
  return out;
}

}  // namespace

// Words of `text` in lines of at most `width` columns after `indent`; a word longer than a line
// is cut at code-point boundaries.
std::string Wrap(const std::string& text, const std::string& indent, size_t width) {
  const size_t room = width - indent.size();
  std::string out, line;
  auto flush = [&] {
    if (!line.empty()) out += indent + line + "\n";
    line.clear();
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && CodePoints(line) + 1 + CodePoints(word) > room) flush();
    while (CodePoints(word) > room) {  // only ever true at the start of a line
      size_t cut = 0, points = 0;
      while (cut < word.size() && points < room) {
        ++cut;
        while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) ++cut;
        ++points;
      }
      line = word.substr(0, cut);
      flush();
      word.erase(0, cut);
    }
    line += (line.empty() ? "" : " ") + word;
  }
  flush();
  return out;
}

// Header row plus rows, indented, columns separated by kGap spaces, no trailing spaces.
std::string TextTable(const std::vector<TextColumn>& cols,
                      const std::vector<std::vector<std::string>>& rows) {
  std::vector<int> width(cols.size());
  for (size_t c = 0; c < cols.size(); ++c) {
    width[c] = Width(cols[c].header);
    for (const auto& row : rows) width[c] = std::max(width[c], Width(row[c]));
  }
  auto total = [&] {
    int t = kIndent + kGap * static_cast<int>(cols.size() - 1);
    for (int w : width) t += w;
    return t;
  };
  // Shrink the widest shrinkable column one column at a time: cuts spread over long names.
  while (total() > kSummaryWidthColumns) {
    int widest = -1;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (cols[c].shrink && width[c] > kMinShrunkWidth &&
          (widest < 0 || width[c] > width[static_cast<size_t>(widest)])) {
        widest = static_cast<int>(c);
      }
    }
    if (widest < 0) break;
    --width[static_cast<size_t>(widest)];
  }
  std::vector<Cut> cuts(cols.size(), Cut::kEnd);
  for (size_t c = 0; c < cols.size(); ++c) {
    if (cols[c].shrink) cuts[c] = DistinguishingCut(rows, c, width[c], cols[c].keep_last_word);
  }
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells, bool header) {
    std::string line(kIndent, ' ');
    for (size_t c = 0; c < cols.size(); ++c) {
      const std::string text =
          FitCell(cells[c], width[c], cuts[c], cols[c].keep_last_word && !header);
      const std::string pad(static_cast<size_t>(std::max(0, width[c] - Width(text))), ' ');
      if (c > 0) line.append(kGap, ' ');
      line += cols[c].right ? pad + text : text + pad;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  std::vector<std::string> headers;
  for (const TextColumn& c : cols) headers.push_back(c.header);
  emit(headers, true);
  for (const auto& row : rows) emit(row, false);
  return out;
}

std::string SummaryText(const RunResult& result) {
  const std::string consumers = result.consumers.empty() ? "" : Consumers(result) + "\n";
  const std::string shards =
      result.stream_mode == kNoStreamMode ? "" : HottestShards(result) + "\n";
  return Header(result) + WarmupText(result) + "\n" + Producers(result) + "\n" + shards +
         OperationsText(result) + consumers + ConservationText(result.conservation) + "\n" +
         CostText(result) + Findings(result.findings);
}

}  // namespace shardsim
