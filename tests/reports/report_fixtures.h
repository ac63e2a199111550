// Test support: synthetic RunResults for the report tests, with their series filled in as a run
// would leave them (and as LoadSeries restores them), of any size: `shards` shards of `windows`
// one-second windows; and the rendered files by path, and a substring count, to check them.
// Header-only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "models/result/histogram.h"
#include "models/result/run_result.h"
#include "reports/report_run.h"

namespace shardsim::testing_report {

// Rendered report files by path.
inline std::map<std::string, std::string> Files(const std::vector<ReportFile>& files) {
  std::map<std::string, std::string> out;
  for (const ReportFile& f : files) out[f.path] = f.contents;
  return out;
}

// Occurrences of `needle` in `text`, overlapping ones included.
inline size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

inline std::string Decimal(Uint128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

inline std::string ShardId(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "shardId-%012d", i);
  return buf;
}

// A histogram of the samples (ns), bucketed as the models bucket them.
inline SparseHistogram Histogram(const std::vector<uint64_t>& samples) {
  SparseHistogram h;
  h.unit = "ns";
  for (uint64_t v : samples) {
    const uint64_t lower = HistogramBucketLow(HistogramBucketIndex(v));
    auto it = h.buckets.begin();
    while (it != h.buckets.end() && it->lower < lower) ++it;
    if (it != h.buckets.end() && it->lower == lower) {
      ++it->count;
    } else {
      h.buckets.insert(it, {lower, 1});
    }
    h.min = h.count == 0 ? v : std::min(h.min, v);
    h.max = std::max(h.max, v);
    h.sum += v;
    ++h.count;
  }
  return h;
}

struct SyntheticOptions {
  int shards = 4;
  int windows = 60;
  bool priced = false;
  bool provenance = false;
  bool failing = true;  // with critical and slo_violated findings
};

// A run of `shards` shards over `windows` seconds: shard 0 is hot (one key at 90 %), two
// consumers (a Lambda mapping falling behind and an EFO application), three assumptions (one
// UNCONFIRMED), findings, and optionally a cost and provenance.
inline RunResult SyntheticResult(const SyntheticOptions& o) {
  RunResult r;
  r.scenario = "synthetic";
  r.seed = 7;
  r.duration_s = o.windows;
  r.stream_mode = "PROVISIONED";
  r.open_shards = o.shards;
  r.events_processed = 12345;
  r.conservation = {true, 1000, 990, 4, 6, 0, ""};
  ProducerResult p;
  p.name = "orders";
  p.api = "PutRecords";
  p.instances = 3;
  p.records_produced = 1000;
  p.records_accepted = 990;
  p.records_dropped = 4;
  p.put_latency = {10, 20, 19, 30, 40, 41, 42};
  r.producers.push_back(p);
  const Uint128 step = (~Uint128{0}) / static_cast<Uint128>(o.shards);
  for (int i = 0; i < o.shards; ++i) {
    ShardResult s;
    s.index = i;
    s.shard_id = ShardId(i);
    s.starting_hash_key = Decimal(step * static_cast<Uint128>(i));
    s.ending_hash_key =
        i + 1 == o.shards ? Decimal(~Uint128{0}) : Decimal(step * static_cast<Uint128>(i + 1) - 1);
    s.records_in = 1000 + static_cast<uint64_t>(i);
    s.bytes_in = s.records_in * 700;
    s.records_offered = s.records_in + (i == 0 ? 50 : 0);
    s.first_attempts = s.records_in;
    s.peak_demand_records_per_s = i == 0 ? 1100 : 300 + (i * 37) % 500;
    s.peak_demand_bytes_per_s = s.peak_demand_records_per_s * 700;
    s.throttled_records = i == 0 ? 50 : 0;
    s.throttled_by_records_limit = s.throttled_records;
    s.expected_share = 1.0 / o.shards;
    if (i == 0) s.top_keys = {{"tenant-<acme>&co", 900, 0.9}, {"tenant-b", 50, 0.05}};
    SeriesTable t;
    t.name = s.shard_id;
    t.columns = {"time_s", "records_in", "bytes_in", "throttled_records"};
    t.rows.reserve(static_cast<size_t>(o.windows));
    for (int w = 0; w < o.windows; ++w) {
      const double rec = i == 0 ? 1000 : 200 + ((i * 37 + w * 11) % 600);
      t.rows.push_back({static_cast<double>(w), rec, rec * 700, i == 0 && w % 7 == 0 ? 7.0 : 0.0});
    }
    r.shards.push_back(std::move(s));
    r.series.push_back(std::move(t));
  }
  std::vector<uint64_t> slow, fast;
  for (uint64_t k = 1; k <= 200; ++k) {
    slow.push_back(k * 50'000'000);  // 50 ms .. 10 s
    fast.push_back(60'000'000 + k * 100'000);
  }
  ConsumerResult lambda;
  lambda.name = "enricher";
  lambda.type = "lambda";
  lambda.starting_position = "LATEST";
  lambda.records_available = 990;
  lambda.records_processed = 900;
  lambda.records_unread = 90;
  lambda.latency = {200, 5000, 5000, 9000, 9900, 10000, 10000};
  lambda.latency_histogram = Histogram(slow);
  lambda.iterator_age_max_ms = 9000;
  lambda.lambda = LambdaResult{};
  lambda.lambda->source = "polling";
  lambda.lambda->invocations = 10;
  lambda.lambda->memory_mb = 512;
  lambda.lambda->architecture = "arm64";
  lambda.lambda->batch_records = {10, 99, 100, 100, 100, 100};
  ConsumerResult efo;
  efo.name = "dashboard";
  efo.type = "efo";
  efo.starting_position = "TRIM_HORIZON";
  efo.records_available = 990;
  efo.records_processed = 990;
  efo.latency = {200, 70, 70, 75, 79, 80, 80};
  efo.latency_histogram = Histogram(fast);
  efo.iterator_age_max_ms = 80;
  for (const ConsumerResult* c : {&lambda, &efo}) {
    SeriesTable t;
    t.name = "consumer-" + c->name;
    t.columns = {"time_s", "records_processed", "bytes_read", "read_throttles", "iterator_age_ms"};
    for (int w = 0; w < o.windows; ++w) {
      const double age = c == &lambda ? 150.0 * w : 70 + w % 5;
      t.rows.push_back({static_cast<double>(w), 15, 15 * 700, 0, w == 0 ? std::nan("") : age});
    }
    r.series.push_back(std::move(t));
  }
  r.consumers = {lambda, efo};
  if (o.failing) {
    Finding hot;
    hot.kind = FindingKind::kHotShard;
    hot.severity = Severity::kWarning;
    hot.subject = r.shards[0].shard_id;
    hot.shard = 0;
    hot.evidence = "peaks at 110% of its records limit";
    hot.recommendation = "Split it.";
    hot.new_starting_hash_key = "170141183460469231731687303715884105728";
    hot.figures = {{"utilization", 1.1}, {"peak_demand_records_per_s", 1100}};
    Finding slo;
    slo.kind = FindingKind::kSloViolated;
    slo.severity = Severity::kCritical;
    slo.subject = "enricher";
    slo.consumer = 0;
    slo.evidence = "p99 latency is 9.9s, over the 5s objective";
    slo.recommendation = "Raise parallelization_factor.";
    slo.figures = {{"objective_p99_latency_ms", 5000}, {"p99_latency_ms", 9900}};
    Finding info;
    info.kind = FindingKind::kOverProvisioned;
    info.severity = Severity::kInfo;
    info.subject = "stream";
    info.evidence = "demand peaks at 20% of capacity";
    info.recommendation = "Fewer shards would do.";
    r.findings = {info, hot, slo};  // most severe last: the report sorts them
  }
  r.assumptions = {
      {"shard write limit (records)", "1000/s", "fact sheet 1"},
      {"call latency", "lognormal median 20ms", "UNCONFIRMED: configurable at /producers/0/api"},
      {"retention", "24h", "fact sheet 4"}};
  if (o.priced) {
    CostResult c;
    c.priced = true;
    c.price_file = "scenarios/prices/aws-us-east-1.json";
    c.region = "us-east-1";
    c.currency = "USD";
    c.date = "2025-01-01";
    c.run_hours = o.windows / 3600.0;
    c.items = {{"kds_shard_hour", "", 4.0 * c.run_hours, "shard-hour", 0.015, 0.06 * c.run_hours,
                43.8, "price file"},
               {"lambda_request", "enricher", 10, "request", 2e-7, 2e-6, 0.876, "price file"},
               {"lambda_gb_second_arm", "enricher", 5, "GB-second", 0.0000133334, 6.7e-5, 29.2,
                "price file"}};
    c.total_usd = 0.0012;
    c.total_per_month_usd = 73.876;
    r.cost = c;
  }
  if (o.provenance) {
    r.provenance =
        Provenance{"0.1.0", "shardsim run scenarios/x.json --out out --report", "scenarios/x.json",
                   "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"};
  }
  return r;
}

}  // namespace shardsim::testing_report
