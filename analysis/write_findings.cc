// Write-path findings. See write_findings.h.
#include "analysis/write_findings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "models/keys/shard_map.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

// One decimal, or two significant digits below 0.1 % so that small shares do not read "0.0%".
std::string Percent(double fraction) {
  char buf[32];
  const double pct = fraction * 100.0;
  std::snprintf(buf, sizeof buf, pct > 0 && pct < 0.1 ? "%.2g%%" : "%.1f%%", pct);
  return buf;
}

// 1801884 -> "1,801,884".
std::string Grouped(uint64_t n) {
  const std::string d = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(d[i]);
  }
  return out;
}

// Human-readable byte rate for prose ("666KiB/s"); result.json keeps exact numbers.
std::string Rate(double bytes_per_s) {
  const char* units[] = {"B/s", "KiB/s", "MiB/s", "GiB/s"};
  int u = 0;
  while (bytes_per_s >= 1024 && u < 3) bytes_per_s /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, bytes_per_s >= 100 || u == 0 ? "%.0f%s" : "%.1f%s", bytes_per_s,
                units[u]);
  return buf;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// Peak utilisation of a shard: the busier of its two write limits in its busiest second of
// demand (first attempts, accepted or not), so a throttled shard shows what producers need, not
// the cap, and retries do not inflate it.
double ShardUtilisation(const ShardResult& s, double rec_limit, double byte_limit) {
  return std::max(s.peak_demand_records_per_s / rec_limit, s.peak_demand_bytes_per_s / byte_limit);
}

// Shards needed for `records_per_s` and `bytes_per_s` at `target` utilisation of each limit,
// with keys spread evenly.
int64_t ShardsNeeded(double records_per_s, double bytes_per_s, double rec_limit, double byte_limit,
                     double target) {
  const double n =
      std::max(records_per_s / (rec_limit * target), bytes_per_s / (byte_limit * target));
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(n - 1e-9)));
}

}  // namespace

void AddWritePathFindings(const Scenario& scenario, const ShardMap& map,
                          const std::vector<KeyUsage>& usage, RunResult* result) {
  const double rec_limit = static_cast<double>(scenario.stream.write_limits.records_per_sec);
  const double byte_limit = static_cast<double>(scenario.stream.write_limits.bytes_per_sec);
  const AnalysisSpec& an = scenario.analysis;
  const double target = std::min(an.hot_shard_threshold, 0.8);
  const int open = map.open_count();
  const double stream_util = std::max(result->peak_demand_records_per_s / (rec_limit * open),
                                      result->peak_demand_bytes_per_s / (byte_limit * open));
  const int64_t needed =
      ShardsNeeded(result->peak_demand_records_per_s, result->peak_demand_bytes_per_s, rec_limit,
                   byte_limit, target);
  std::vector<Finding>& out = result->findings;
  // A hot shard is skewed when an even share is at most this fraction of its expected share.
  constexpr double kSkewRatio = 0.7;
  int hot_shards = 0;

  // Hot keys and hot shards.
  for (const ShardResult& s : result->shards) {
    if (s.state != "OPEN") continue;
    const double util = ShardUtilisation(s, rec_limit, byte_limit);
    if (util < an.hot_shard_threshold) continue;
    const bool bytes_bound =
        s.peak_demand_bytes_per_s / byte_limit >= s.peak_demand_records_per_s / rec_limit;
    const std::string limit_name =
        bytes_bound ? Rate(byte_limit) + " bytes" : FormatRecordRate(rec_limit) + " records";
    std::string keys_text;
    for (size_t i = 0; i < s.top_keys.size() && i < 3; ++i) {
      keys_text += (i ? ", " : "") + std::string("\"") + s.top_keys[i].key + "\" " +
                   Percent(s.top_keys[i].share);
    }
    // One key alone above a shard's limit: no split can help.
    if (!s.top_keys.empty()) {
      const KeyShare& top = s.top_keys[0];
      const double key_records = top.share * s.peak_demand_records_per_s;
      const double key_bytes = top.share * s.peak_demand_bytes_per_s;
      if (key_records > rec_limit || key_bytes > byte_limit) {
        Finding f;
        f.kind = FindingKind::kHotKey;
        f.severity = Severity::kCritical;
        f.subject = s.shard_id + " key \"" + top.key + "\"";
        f.evidence = "key \"" + top.key + "\" carries " + Percent(top.share) + " of " + s.shard_id +
                     "'s records: about " + Num(key_records) + " records/s and " + Rate(key_bytes) +
                     " in the busiest second, above one shard's " +
                     (key_records > rec_limit ? FormatRecordRate(rec_limit) + " records"
                                              : Rate(byte_limit) + " bytes") +
                     " limit. Equal partition keys always map to one shard (fact sheet 1).";
        f.recommendation =
            "A split cannot help: salt the key (e.g. append a suffix 0..N-1 and "
            "read the N keys back together), or aggregate its records with the KPL.";
        out.push_back(std::move(f));
        continue;
      }
    }
    // Skew: the shard carries well more than an even share of the stream (from exact key
    // weights and hash ranges). Otherwise its load is the stream's, a capacity matter reported by
    // write_throttling.
    if (s.expected_share * kSkewRatio < 1.0 / open) continue;
    ++hot_shards;
    Finding f;
    f.kind = FindingKind::kHotShard;
    f.severity = s.throttled_records > 0 ? Severity::kCritical : Severity::kWarning;
    f.subject = s.shard_id;
    f.evidence =
        s.shard_id + " peaks at " + Percent(util) + " of its " + limit_name + " limit (" +
        Num(s.peak_demand_records_per_s) + " records/s, " + Rate(s.peak_demand_bytes_per_s) +
        " of demand in its busiest second; " + std::to_string(s.throttled_records) +
        " records throttled) while the stream as a whole peaks at " + Percent(stream_util) +
        ". Expected share of traffic from key weights: " + Percent(s.expected_share) +
        " (uniform would be " + Percent(1.0 / open) + ")." +
        (keys_text.empty() ? "" : " Hottest keys: " + keys_text + ".");
    // Where to split: the point that halves the shard's traffic by exact key weights, from the
    // group that sends most of it.
    const int shard_index = s.index;
    const KeyUsage* best = nullptr;
    double best_w = 0;
    for (const KeyUsage& u : usage) {
      const std::vector<double> shares = u.keys->ExpectedShardShares(map);
      const double w = u.weight * shares[static_cast<size_t>(shard_index)];
      if (w > best_w) best_w = w, best = &u;
    }
    std::optional<SplitPoint> split;
    if (best != nullptr) split = best->keys->BalancingSplitPoint(map, shard_index);
    if (split.has_value()) {
      f.new_starting_hash_key = split->new_starting_hash_key.ToDecimal();
      f.recommendation = "SplitShard " + s.shard_id + " at NewStartingHashKey " +
                         f.new_starting_hash_key + ": it divides the shard's traffic " +
                         Percent(split->lower_share) + " / " + Percent(1 - split->lower_share) +
                         ".";
      if (split->dominant_key) {
        f.recommendation +=
            " One key dominates the shard; the split isolates it, and if its own "
            "rate nears the limit, salt it.";
      }
    } else {
      f.recommendation = "Spread the keys: more distinct partition keys, or a random suffix.";
    }
    out.push_back(std::move(f));
  }

  // Throttling and capacity.
  uint64_t throttled = 0, by_records = 0, by_bytes = 0, offered = 0;
  std::vector<std::pair<uint64_t, std::string>> throttled_shards;
  for (const ShardResult& s : result->shards) {
    throttled += s.throttled_records;
    by_records += s.throttled_by_records_limit;
    by_bytes += s.throttled_by_bytes_limit;
    offered += s.records_offered;
    if (s.throttled_records > 0) throttled_shards.push_back({s.throttled_records, s.shard_id});
  }
  if (throttled > 0) {
    std::sort(throttled_shards.rbegin(), throttled_shards.rend());
    std::string where;
    for (size_t i = 0; i < throttled_shards.size() && i < 5; ++i) {
      where += (i ? ", " : "") + throttled_shards[i].second + " (" +
               std::to_string(throttled_shards[i].first) + ")";
    }
    const double fraction = static_cast<double>(throttled) / static_cast<double>(offered);
    const bool records_bite = by_records >= by_bytes;
    Finding f;
    f.kind = FindingKind::kWriteThrottling;
    f.severity = fraction > 0.01 ? Severity::kCritical : Severity::kWarning;
    f.subject = "stream";
    f.evidence =
        Grouped(throttled) + " of " + Grouped(offered) + " record attempts (" + Percent(fraction) +
        ") were refused with ProvisionedThroughputExceeded: " + std::to_string(by_records) +
        " by the records limit, " + std::to_string(by_bytes) + " by the bytes limit, on " +
        std::to_string(throttled_shards.size()) + " of " + std::to_string(open) +
        " shards: " + where +
        ". Producer demand (first attempts) "
        "peaks at " +
        Percent(stream_util) + " of the stream's capacity.";
    if (stream_util >= target) {
      f.recommendation = "The stream is short of capacity: " + std::to_string(needed) +
                         " shards keep the busiest second under " + Percent(target) + " of the " +
                         (records_bite ? "records" : "bytes") + " limit (now " +
                         std::to_string(open) + ").";
      if (records_bite) {
        f.recommendation +=
            " The records limit bites first: aggregating small records with the "
            "KPL cuts the record count without adding shards.";
      }
    } else {
      f.recommendation =
          hot_shards > 0 ? "Capacity is sufficient overall; the throttling comes from skew. See "
                           "the hot_shard and hot_key findings."
                         : "Capacity is sufficient overall and no shard is hot on average: the "
                           "throttling comes from short bursts on single shards (see the "
                           "per-shard series). Retries with backoff absorb them; if the "
                           "throttled share matters, add headroom or smooth producer bursts.";
    }
    out.push_back(std::move(f));
  } else if (stream_util < an.stream_utilization_threshold && open > 1 && needed < open &&
             hot_shards == 0) {
    Finding f;
    f.kind = FindingKind::kOverProvisioned;
    f.severity = Severity::kInfo;
    f.subject = "stream";
    f.evidence = "The busiest second uses " + Percent(stream_util) +
                 " of the stream's write capacity (" + Num(result->peak_demand_records_per_s) +
                 " records/s, " + Rate(result->peak_demand_bytes_per_s) + " across " +
                 std::to_string(open) + " shards).";
    f.recommendation = std::to_string(needed) + " shards would keep the busiest second under " +
                       Percent(target) +
                       " of capacity if keys spread evenly; check the hot-shard "
                       "shares before reducing.";
    out.push_back(std::move(f));
  }

  for (size_t pi = 0; pi < result->producers.size(); ++pi) {
    const ProducerResult& p = result->producers[pi];
    const bool to_firehose =
        pi < scenario.producers.size() && !scenario.producers[pi].target.empty();
    // A producer that cannot send as fast as it creates records builds a backlog; the stream may
    // look healthy while latency grows without bound.
    const double per_s =
        static_cast<double>(p.records_produced) / std::max(result->duration_s, 1e-9);
    if (per_s > 0 && static_cast<double>(p.records_in_flight) > 5.0 * per_s) {
      out.push_back(
          {FindingKind::kProducerBacklog,
           Severity::kCritical,
           "producer " + p.name,
           std::to_string(p.records_in_flight) + " records (" +
               Num(static_cast<double>(p.records_in_flight) / per_s) +
               " s of production) were still waiting in the producer at the end of the run; "
               "record latency p50 " +
               Num(p.record_latency.p50_ms) + " ms, p99 " + Num(p.record_latency.p99_ms) +
               " ms (creation to acceptance), with " + std::to_string(p.calls) + " calls.",
           "The producer sends slower than it creates records: raise max_in_flight_calls or "
           "instances, batch more per call, or (if throttled) add write capacity.",
           "",
           -1,
           -1,
           -1,
           {}});
    }
    if (p.records_oversized > 0) {
      out.push_back({FindingKind::kOversizedRecords,
                     Severity::kCritical,
                     "producer " + p.name,
                     std::to_string(p.records_oversized) +
                         (to_firehose ? " records exceeded Firehose's " +
                                            FormatBytes(kFirehoseMaxRecordBytes) +
                                            " maximum record size and were rejected."
                                      : " records exceeded the stream's " +
                                            FormatBytes(scenario.stream.max_record_size_bytes) +
                                            " maximum record size (data + partition key) and "
                                            "were rejected."),
                     to_firehose
                         ? "Split or compress large payloads, or store them in S3 and send a "
                           "pointer (the Firehose record limit is fixed)."
                         : "Split or compress large payloads, store them in S3 and send a "
                           "pointer, or raise MaxRecordSizeInKiB (up to 10 MiB; shard "
                           "throughput is unchanged).",
                     "",
                     -1,
                     -1,
                     -1,
                     {}});
    }
    const uint64_t lost = p.records_dropped - p.records_oversized;
    if (lost > 0) {
      out.push_back({FindingKind::kRecordsDropped,
                     Severity::kCritical,
                     "producer " + p.name,
                     std::to_string(lost) + " of " + std::to_string(p.records_produced) +
                         " records were dropped after exhausting their retries or TTL: data loss.",
                     std::string(to_firehose ? "Raise the Firehose's Direct PUT quotas (see "
                                               "direct_put_throttling)"
                                             : "Add write capacity (see write_throttling)") +
                         ", or allow more attempts and a longer backoff so bursts can drain.",
                     "",
                     -1,
                     -1,
                     -1,
                     {}});
    }
    if (p.duplicates > 0) {
      out.push_back({FindingKind::kDuplicates,
                     Severity::kWarning,
                     "producer " + p.name,
                     std::to_string(p.calls_timed_out) +
                         " calls timed out; resending records the shard had already stored "
                         "created " +
                         std::to_string(p.duplicates) + " duplicate records (p99 put latency " +
                         Num(p.put_latency.p99_ms) + " ms).",
                     "Make consumers idempotent (deduplicate on a record id), and set the call "
                     "timeout well above the p99 put latency.",
                     "",
                     -1,
                     -1,
                     -1,
                     {}});
    }
  }
}

}  // namespace shardsim
