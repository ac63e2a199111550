// Write-path findings. See write_findings.h. Four independent rule groups, each a function that
// returns its findings: hot keys and hot shards, throttling / capacity, over-provisioning, and
// the per-producer rules.
#include "analysis/write_findings.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/consumer_capacity.h"
#include "analysis/finding_support.h"
#include "models/keys/shard_map.h"
#include "models/result/format.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

// A hot shard is skewed when an even share is at most this fraction of its expected share.
constexpr double kSkewRatio = 0.7;

// What every write-path rule reads: the scenario's limits and thresholds and the stream-wide
// numbers derived from them once.
struct WriteContext {
  const Scenario& scenario;
  const ShardMap& map;
  const std::vector<KeyUsage>& usage;
  double records_limit = 0;   // per shard, records/s
  double bytes_limit = 0;     // per shard, bytes/s
  double hot_threshold = 0;   // utilisation that flags a shard hot
  double target = 0;          // utilisation a sizing recommendation aims at
  int open = 0;               // open shards
  double stream_util = 0;     // the stream's busiest second of demand over its capacity
  int64_t shards_needed = 0;  // to keep the busiest second under `target` with keys even
  // By usage: the group's exact share of each shard (ExpectedShardShares), computed once, at the
  // first hot shard's split recommendation (10^7 keys: a probability per key).
  mutable std::vector<std::vector<double>> shares = {};
};

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

WriteContext MakeContext(const Scenario& scenario, const ShardMap& map,
                         const std::vector<KeyUsage>& usage, const RunResult& r) {
  const double records_limit = static_cast<double>(scenario.stream.write_limits.records_per_sec);
  const double bytes_limit = static_cast<double>(scenario.stream.write_limits.bytes_per_sec);
  const double hot_threshold = scenario.analysis.hot_shard_threshold;
  const double target = std::min(hot_threshold, 0.8);
  const int open = map.open_count();
  return WriteContext{
      .scenario = scenario,
      .map = map,
      .usage = usage,
      .records_limit = records_limit,
      .bytes_limit = bytes_limit,
      .hot_threshold = hot_threshold,
      .target = target,
      .open = open,
      .stream_util = std::max(r.peak_demand_records_per_s / (records_limit * open),
                              r.peak_demand_bytes_per_s / (bytes_limit * open)),
      .shards_needed = ShardsNeeded(r.peak_demand_records_per_s, r.peak_demand_bytes_per_s,
                                    records_limit, bytes_limit, target),
  };
}

// ---------------------------------------------------------------- hot keys and hot shards

// One key alone above a shard's limit: no split can help.
std::optional<Finding> HotKey(const WriteContext& w, const ShardResult& s) {
  if (s.top_keys.empty()) return std::nullopt;
  const KeyShare& top = s.top_keys[0];
  const double key_records = top.share * s.peak_demand_records_per_s;
  const double key_bytes = top.share * s.peak_demand_bytes_per_s;
  if (!(key_records > w.records_limit || key_bytes > w.bytes_limit)) return std::nullopt;
  const bool records_over = key_records > w.records_limit;
  Finding f = NewFinding(FindingKind::kHotKey, Severity::kCritical,
                         s.shard_id + " key \"" + top.key + "\"");
  f.shard = s.index;
  f.evidence = "key \"" + top.key + "\" carries " + SharePercent(top.share) + " of " + s.shard_id +
               "'s records: about " + Count(std::round(key_records)) + " records/s and " +
               ApproxByteRate(key_bytes) + " in the busiest second, above one shard's " +
               (records_over ? FormatRecordRate(w.records_limit) + " records"
                             : ApproxByteRate(w.bytes_limit) + " bytes") +
               " limit. Equal partition keys always map to one shard (fact sheet 1).";
  // KPL aggregation packs the key's records into fewer Kinesis records: it helps only against the
  // records limit, and only producers that do not aggregate yet.
  const bool aggregation_helps =
      records_over && key_bytes <= w.bytes_limit && !AllStreamProducersAggregate(w.scenario);
  f.recommendation = std::string(
                         "A split cannot help: salt the key (e.g. append a suffix 0..N-1 and read "
                         "the N keys back together)") +
                     (aggregation_helps ? ", or aggregate its records with the KPL." : ".");
  AddFigures(&f, {{"key_share", top.share},
                  {"key_records_per_s", key_records},
                  {"key_bytes_per_s", key_bytes}});
  AddFigures(&f, {records_over ? Figure("write_limit_records_per_s", w.records_limit)
                               : Figure("write_limit_bytes_per_s", w.bytes_limit)});
  return f;
}

// The other keys' share of a dominant key's side of a split at or above which the split does not
// isolate the key: the finding then also gives the two splits that do.
constexpr double kIsolationSlack = 0.05;

// A shard where one key carries more than half the traffic: which side of `split` the key lands
// on, which other keys (and what share of the shard) share that side, and, when they are more than
// a trace, the two SplitShards that give the key a shard of its own. Appends to the
// recommendation and figures.
void DescribeDominantKey(const WriteContext& w, const ShardResult& s, const KeyModel& keys,
                         double shard_weight, const SplitPoint& split, Finding* f) {
  const uint32_t id = split.dominant_key_id;
  const HashKey hash = keys.KeyHash(id);
  const double key_share = keys.Probability(id) / shard_weight;
  const bool upper = hash >= split.new_starting_hash_key;
  const double side = upper ? 1 - split.lower_share : split.lower_share;
  const double others = std::max(0.0, side - key_share);
  const std::string name = "\"" + keys.KeyString(id) + "\"";
  std::vector<std::string> listed;
  double listed_share = 0;
  for (const KeyWeight& k : keys.TopKeysOn(w.map, s.index, 16)) {
    if (k.key_id == id || (k.hash_key >= split.new_starting_hash_key) != upper) continue;
    if (listed.size() == 3) break;
    listed.push_back("\"" + k.key + "\" " + SharePercent(k.probability / shard_weight));
    listed_share += k.probability / shard_weight;
  }
  f->recommendation += " One key, " + name + ", carries " + SharePercent(key_share) +
                       " of the shard; this split puts it in the " + (upper ? "upper" : "lower") +
                       " child";
  if (others <= 0 || listed.empty()) {
    f->recommendation += " alone.";
  } else {
    f->recommendation += " together with keys carrying " + SharePercent(others) +
                         " of the shard (" + JoinAnd(listed) +
                         (others > listed_share * (1 + 1e-9) ? ", ...)." : ").");
  }
  AddFigures(f, {{"dominant_key_share", key_share}, {"dominant_key_side_others_share", others}});
  const Uint128 h = hash.value();
  const Uint128 start = w.map.shard(s.index).range.start.value();
  const Uint128 end = w.map.shard(s.index).range.end.value();
  if (others >= kIsolationSlack) {
    // SplitShard takes Start + 2 <= new <= End - 1 (fact sheet 3). Cut below the key (at its hash)
    // and two above it: the middle child [H, H + 1] holds the key alone.
    std::vector<std::string> cuts;
    // The key's hash lies in [start, end]; written without overflow at either end of the range.
    const bool below = h - start >= 2 && h < end;
    const bool above = end - h >= 3;
    if (below) cuts.push_back(HashKey(h).ToDecimal());
    if (above) cuts.push_back(HashKey(h + 2).ToDecimal());
    if (cuts.size() == 2) {
      f->recommendation += " To give it a shard of its own instead, SplitShard " + s.shard_id +
                           " at NewStartingHashKey " + cuts[0] +
                           ", then split the upper child at " + cuts[1] +
                           ": the middle shard holds " + name + " alone.";
    } else if (cuts.size() == 1) {
      f->recommendation += " To give it a shard of its own instead, SplitShard " + s.shard_id +
                           " at NewStartingHashKey " + cuts[0] + ".";
    }
  }
  f->recommendation += " If its own rate nears the limit, salt it.";
}

// Where to split a hot shard: the point that halves its traffic by exact key weights, from the
// group that sends most of it. Sets the recommendation, new_starting_hash_key and split figures.
void RecommendSplit(const WriteContext& w, const ShardResult& s, Finding* f) {
  const KeyUsage* best = nullptr;
  double best_w = 0, best_share = 0;
  if (w.shares.size() != w.usage.size()) {
    w.shares.clear();
    for (const KeyUsage& u : w.usage) {
      w.shares.push_back(u.shard_of.empty() ? u.keys->ExpectedShardShares(w.map)
                                            : u.keys->ExpectedShardShares(w.map, u.shard_of));
    }
  }
  for (size_t g = 0; g < w.usage.size(); ++g) {
    const KeyUsage& u = w.usage[g];
    const double share = w.shares[g][static_cast<size_t>(s.index)];
    const double weight = u.weight * share;
    if (weight > best_w) best_w = weight, best = &u, best_share = share;
  }
  std::optional<SplitPoint> split;
  if (best != nullptr) split = best->keys->BalancingSplitPoint(w.map, s.index, best->shard_of);
  if (!split.has_value()) {
    f->recommendation = "Spread the keys: more distinct partition keys, or a random suffix.";
    return;
  }
  f->new_starting_hash_key = split->new_starting_hash_key.ToDecimal();
  f->recommendation = "SplitShard " + s.shard_id + " at NewStartingHashKey " +
                      f->new_starting_hash_key + ": it divides the shard's traffic " +
                      SharePercent(split->lower_share) + " / " +
                      SharePercent(1 - split->lower_share) + ".";
  AddFigures(f, {{"split_lower_share", split->lower_share},
                 {"split_upper_share", 1 - split->lower_share}});
  if (split->dominant_key && split->dominant_key_id != kNoKey && best_share > 0) {
    DescribeDominantKey(w, s, *best->keys, best_share, *split, f);
  }
}

// Skew: the shard carries well more than an even share of the stream (from exact key weights and
// hash ranges). Otherwise its load is the stream's, a capacity matter reported by
// write_throttling.
std::optional<Finding> HotShard(const WriteContext& w, const ShardResult& s, double util) {
  if (s.expected_share * kSkewRatio < 1.0 / w.open) return std::nullopt;
  const bool bytes_bound =
      s.peak_demand_bytes_per_s / w.bytes_limit >= s.peak_demand_records_per_s / w.records_limit;
  const std::string limit_name = bytes_bound ? ApproxByteRate(w.bytes_limit) + " bytes"
                                             : FormatRecordRate(w.records_limit) + " records";
  std::string keys_text;
  for (size_t i = 0; i < s.top_keys.size() && i < 3; ++i) {
    keys_text += (i ? ", " : "") + std::string("\"") + s.top_keys[i].key + "\" " +
                 SharePercent(s.top_keys[i].share);
  }
  Finding f =
      NewFinding(FindingKind::kHotShard,
                 s.throttled_records > 0 ? Severity::kCritical : Severity::kWarning, s.shard_id);
  f.shard = s.index;
  f.evidence = s.shard_id + " peaks at " + SharePercent(util) + " of its " + limit_name +
               " limit (" + Count(std::round(s.peak_demand_records_per_s)) + " records/s, " +
               ApproxByteRate(s.peak_demand_bytes_per_s) + " of demand in its busiest second; " +
               CountNoun(s.throttled_records, "record", "records") +
               " throttled) while the stream as a whole peaks at " + SharePercent(w.stream_util) +
               ". Expected share of traffic from key weights: " + SharePercent(s.expected_share) +
               " (uniform would be " + SharePercent(1.0 / w.open) + ")." +
               (keys_text.empty() ? "" : " Hottest keys: " + keys_text + ".");
  AddFigures(&f, {{"utilization", util},
                  bytes_bound ? Figure("write_limit_bytes_per_s", w.bytes_limit)
                              : Figure("write_limit_records_per_s", w.records_limit),
                  {"peak_demand_records_per_s", s.peak_demand_records_per_s},
                  {"peak_demand_bytes_per_s", s.peak_demand_bytes_per_s},
                  {"throttled_records", s.throttled_records},
                  {"stream_utilization", w.stream_util},
                  {"expected_share", s.expected_share},
                  {"uniform_share", 1.0 / w.open}});
  if (!s.top_keys.empty()) AddFigures(&f, {{"top_key_share", s.top_keys[0].share}});
  RecommendSplit(w, s, &f);
  return f;
}

// Per open shard at or above the hot threshold: a hot_key finding when one key alone exceeds a
// limit, else a hot_shard finding when the shard is skewed. In shard order.
std::vector<Finding> HotKeyAndShardFindings(const WriteContext& w, const RunResult& r) {
  std::vector<Finding> out;
  for (const ShardResult& s : r.shards) {
    if (s.state != "OPEN") continue;
    const double util = ShardUtilisation(s, w.records_limit, w.bytes_limit);
    if (util < w.hot_threshold) continue;
    std::optional<Finding> f = HotKey(w, s);
    if (!f) f = HotShard(w, s, util);
    if (f) out.push_back(std::move(*f));
  }
  return out;
}

// ---------------------------------------------------------------- throttling and capacity

struct WriteThrottles {
  uint64_t throttled = 0;
  uint64_t by_records = 0;
  uint64_t by_bytes = 0;
  uint64_t offered = 0;
  std::vector<std::pair<uint64_t, std::string>> shards;  // (throttled records, shard id)
};

WriteThrottles CountThrottles(const RunResult& r) {
  WriteThrottles t;
  for (const ShardResult& s : r.shards) {
    t.throttled += s.throttled_records;
    t.by_records += s.throttled_by_records_limit;
    t.by_bytes += s.throttled_by_bytes_limit;
    t.offered += s.records_offered;
    if (s.throttled_records > 0) t.shards.emplace_back(s.throttled_records, s.shard_id);
  }
  return t;
}

// Where the stream's write throttling comes from, decided once for write_throttling and
// records_dropped: keys no split can fix (hot_key), skewed shards (hot_shard), a stream short of
// capacity, or short bursts on single shards.
enum class ThrottleSource { kNone, kHotKey, kHotShard, kCapacity, kBursts };

struct ThrottleCause {
  ThrottleSource source = ThrottleSource::kNone;
  uint64_t throttled = 0;
  uint64_t on_hot_keys = 0;    // throttled records on shards with a hot_key finding
  uint64_t on_hot_shards = 0;  // ... with a hot_shard finding
  uint64_t dropped = 0;        // records stream producers gave up on (not oversized)
  // The shards of the hot_key and hot_shard findings, in shard order.
  std::vector<const ShardResult*> hot_key_shards;
  std::vector<const ShardResult*> hot_shards;
};

const ShardResult* ShardWithIndex(const RunResult& r, int index) {
  for (const ShardResult& s : r.shards) {
    if (s.index == index) return &s;
  }
  return nullptr;
}

// REQUIRES: `hot` holds this run's hot_key and hot_shard findings.
ThrottleCause CauseOf(const WriteContext& w, const RunResult& r, const std::vector<Finding>& hot) {
  ThrottleCause c;
  for (const ShardResult& s : r.shards) c.throttled += s.throttled_records;
  for (const Finding& f : hot) {
    const ShardResult* s = ShardWithIndex(r, f.shard);
    if (s == nullptr) continue;
    if (f.kind == FindingKind::kHotKey) {
      c.hot_key_shards.push_back(s);
      c.on_hot_keys += s->throttled_records;
    } else {
      c.hot_shards.push_back(s);
      c.on_hot_shards += s->throttled_records;
    }
  }
  for (size_t i = 0; i < r.producers.size(); ++i) {
    const bool to_firehose =
        i < w.scenario.producers.size() && !w.scenario.producers[i].target.empty();
    if (!to_firehose)
      c.dropped += r.producers[i].records_dropped - r.producers[i].records_oversized;
  }
  if (c.throttled == 0) {
    c.source = ThrottleSource::kNone;
  } else if (2 * c.on_hot_keys >= c.throttled) {
    c.source = ThrottleSource::kHotKey;
  } else if (2 * (c.on_hot_keys + c.on_hot_shards) >= c.throttled) {
    c.source =
        c.on_hot_shards >= c.on_hot_keys ? ThrottleSource::kHotShard : ThrottleSource::kHotKey;
  } else if (w.stream_util >= w.target) {
    c.source = ThrottleSource::kCapacity;
  } else {
    c.source = ThrottleSource::kBursts;
  }
  return c;
}

// "shardId-...14, where key "tenant-acme" alone needs more than a shard's limit" per hot key shard.
std::string HotKeyPlaces(const ThrottleCause& c) {
  std::vector<std::string> places;
  for (const ShardResult* s : c.hot_key_shards) {
    places.push_back(s->shard_id + " (key \"" + (s->top_keys.empty() ? "?" : s->top_keys[0].key) +
                     "\")");
  }
  return JoinAnd(places);
}

std::string HotShardIds(const ThrottleCause& c) {
  std::vector<std::string> ids;
  for (const ShardResult* s : c.hot_shards) ids.push_back(s->shard_id);
  return JoinAnd(ids);
}

// What the throttling of a stream with enough capacity overall comes from, and what to do.
std::string SkewAdvice(const ThrottleCause& c) {
  const uint64_t on_skew = c.on_hot_keys + c.on_hot_shards;
  std::string out =
      "Capacity is sufficient overall: " +
      (on_skew == c.throttled
           ? std::string("all throttled attempts")
           : SharePercent(static_cast<double>(on_skew) / static_cast<double>(c.throttled)) +
                 " of the throttled attempts") +
      " are on ";
  std::vector<std::string> parts;
  if (c.on_hot_keys > 0) {
    parts.push_back(HotKeyPlaces(c) +
                    ", where one key alone needs more than a shard's limit: salt the key (see "
                    "hot_key); no split or added shard can help");
  }
  if (c.on_hot_shards > 0) {
    parts.push_back(HotShardIds(c) + ", which " +
                    std::string(c.hot_shards.size() == 1 ? "carries" : "carry") +
                    " more than an even share of the keys: split " +
                    std::string(c.hot_shards.size() == 1 ? "it" : "them") + " (see hot_shard)");
  }
  out += JoinAnd(parts) + ".";
  if (on_skew < c.throttled) {
    out += " The other " + CountNoun(c.throttled - on_skew, "attempt", "attempts") +
           " come from short bursts on other shards.";
  }
  return out;
}

// The shards a count of throttled shards is out of: the open ones, or, when resharding opened or
// closed shards during the run, every shard the stream had (a closed parent throttles too).
std::string ShardsOfTheRun(const WriteContext& w, const RunResult& r) {
  const uint64_t all = r.shards.size();
  if (all <= static_cast<uint64_t>(w.open)) {
    return CountNoun(static_cast<uint64_t>(w.open), "shard", "shards");
  }
  return "the " + Grouped(all) + " shards the stream had (" +
         Grouped(static_cast<uint64_t>(w.open)) + " open at the end)";
}

// Any write throttled: how much, by which limit, where, and whether capacity, a hot key, skew or
// bursts are the cause. Points only to findings of this run (`hot`: its hot_key and hot_shard
// findings; records_dropped when stream producers dropped records).
std::optional<Finding> WriteThrottling(const WriteContext& w, const RunResult& r,
                                       const ThrottleCause& cause) {
  WriteThrottles t = CountThrottles(r);
  if (t.throttled == 0) return std::nullopt;
  std::sort(t.shards.rbegin(), t.shards.rend());
  std::string where;
  for (size_t i = 0; i < t.shards.size() && i < 5; ++i) {
    where += (i ? ", " : "") + t.shards[i].second + " (" + Grouped(t.shards[i].first) + ")";
  }
  const double fraction = static_cast<double>(t.throttled) / static_cast<double>(t.offered);
  const bool records_bite = t.by_records >= t.by_bytes;
  Finding f = NewFinding(FindingKind::kWriteThrottling,
                         fraction > 0.01 ? Severity::kCritical : Severity::kWarning, "stream");
  // Shards count Kinesis records: with KPL aggregation they are not the producers' user records.
  const bool aggregated = std::any_of(
      w.scenario.producers.begin(), w.scenario.producers.end(),
      [](const ProducerSpec& p) { return p.api.type == ApiType::kKpl && p.api.aggregation; });
  f.evidence = Grouped(t.throttled) + " of " +
               CountNoun(t.offered, aggregated ? "Kinesis record attempt" : "record attempt",
                         aggregated ? "Kinesis record attempts" : "record attempts") +
               " (" + SharePercent(fraction) + ") " + (t.throttled == 1 ? "was" : "were") +
               " refused with ProvisionedThroughputExceeded: " + Grouped(t.by_records) +
               " by the records limit, " + Grouped(t.by_bytes) + " by the bytes limit, on " +
               Grouped(t.shards.size()) + " of " + ShardsOfTheRun(w, r) + ": " + where +
               ". Producer demand (first attempts) peaks at " + SharePercent(w.stream_util) +
               " of the stream's capacity.";
  AddFigures(&f, {{"throttled_records", t.throttled},
                  {"offered_records", t.offered},
                  {"throttled_fraction", fraction},
                  {"throttled_by_records_limit", t.by_records},
                  {"throttled_by_bytes_limit", t.by_bytes},
                  {"throttled_shards", t.shards.size()},
                  {"open_shards", w.open},
                  {"stream_utilization", w.stream_util},
                  {"throttled_on_hot_key_shards", cause.on_hot_keys},
                  {"throttled_on_hot_shards", cause.on_hot_shards},
                  {"records_dropped", cause.dropped}});
  const std::string dropped = CountNoun(cause.dropped, "record was", "records were");
  if (w.stream_util >= w.target) {
    f.recommendation =
        "The stream is short of capacity: " +
        CountNoun(static_cast<uint64_t>(w.shards_needed), "shard keeps", "shards keep") +
        " the busiest second under " + SharePercent(w.target) + " of the " +
        (records_bite ? "records" : "bytes") + " limit (now " + std::to_string(w.open) + ")." +
        std::string(kFirstEstimate);
    if (records_bite && !AllStreamProducersAggregate(w.scenario)) {
      f.recommendation +=
          " The records limit bites first: aggregating small records with the "
          "KPL cuts the record count without adding shards.";
    }
    if (cause.on_hot_keys > 0) {
      f.recommendation += " More shards do not relieve " + HotKeyPlaces(cause) +
                          ": one key alone exceeds a shard's limit; salt it (see hot_key).";
    }
    AddFigures(&f, {{"shards_needed", w.shards_needed}, {"target_utilization", w.target}});
    if (cause.dropped > 0) {
      f.recommendation += " " + dropped + " dropped after their retries (see records_dropped).";
    }
  } else if (std::all_of(r.shards.begin(), r.shards.end(), [](const ShardResult& s) {
               return s.state != "OPEN" || s.throttled_records == 0;
             })) {
    // Resharding closed every throttled shard: the keys moved to shards that did not throttle.
    // An on-demand stream's own splits have no `resharded` finding of their own.
    f.recommendation = w.scenario.stream.mode == StreamMode::kOnDemand
                           ? "All of it was on shards that on-demand scaling split during the run "
                             "(operations[] with cause on_demand): the shards open at the end did "
                             "not throttle."
                           : "All of it was on shards that resharding closed during the run (see "
                             "resharded): the shards open at the end did not throttle.";
    if (cause.dropped > 0) {
      f.recommendation += " Before the reshard " + dropped + " dropped (see records_dropped).";
    }
  } else if (cause.on_hot_keys + cause.on_hot_shards > 0) {
    f.recommendation = SkewAdvice(cause);
    if (cause.dropped > 0) {
      f.recommendation += " Retries do not absorb this: " + dropped +
                          " dropped after their retries (see records_dropped).";
    }
  } else if (cause.dropped == 0) {
    f.recommendation =
        "Capacity is sufficient overall and no shard is hot: the throttling comes from short "
        "bursts on single shards (see the per-shard series). Retries with backoff absorbed them "
        "(no record was dropped); if the throttled share matters, add headroom or smooth "
        "producer bursts.";
  } else {
    f.recommendation =
        "Capacity is sufficient overall and no shard is hot: the throttling comes from short "
        "bursts on single shards (see the per-shard series). Retries did not absorb them all: " +
        dropped +
        " dropped (see records_dropped). Add headroom (more shards) or smooth producer bursts, "
        "and allow more attempts with a longer backoff.";
  }
  return f;
}

// ---------------------------------------------------------------- over-provisioning

// Fewer shards would do: the busiest second is well under capacity, nothing is throttled, no shard
// is hot and the consumers keep up with fewer. The suggestion never goes below what a consumer
// needs per shard (a Lambda mapping's batch x PF / duration, a record processor's rate, the read
// throughput polling readers share). REQUIRES: no write throttling (write_throttling's finding
// takes precedence).
std::optional<Finding> OverProvisioned(const WriteContext& w, const RunResult& r, int hot_shards) {
  if (!(w.stream_util < w.scenario.analysis.stream_utilization_threshold && w.open > 1 &&
        w.shards_needed < w.open && hot_shards == 0)) {
    return std::nullopt;
  }
  const ShardFloor consumers = ConsumersShardFloor(w.scenario, r, w.target);
  const int64_t suggested = std::max(w.shards_needed, consumers.shards);
  if (suggested >= w.open) return std::nullopt;
  Finding f = NewFinding(FindingKind::kOverProvisioned, Severity::kInfo, "stream");
  f.evidence = "The busiest second uses " + SharePercent(w.stream_util) +
               " of the stream's write capacity (" +
               Count(std::round(r.peak_demand_records_per_s)) + " records/s, " +
               ApproxByteRate(r.peak_demand_bytes_per_s) + " across " +
               CountNoun(static_cast<uint64_t>(w.open), "shard", "shards") + ").";
  const std::string writes = CountNoun(static_cast<uint64_t>(w.shards_needed), "shard", "shards");
  if (consumers.shards > w.shards_needed) {
    f.recommendation = "The writes alone would fit " + writes + " at " + SharePercent(w.target) +
                       " of capacity, but " + consumers.reason + ", so it needs " +
                       CountNoun(static_cast<uint64_t>(consumers.shards), "shard", "shards") +
                       " to keep up with the busiest second: " +
                       CountNoun(static_cast<uint64_t>(suggested), "shard", "shards") +
                       " would do (now " + std::to_string(w.open) + ").";
  } else {
    f.recommendation = writes + " would keep the busiest second under " + SharePercent(w.target) +
                       " of capacity if keys spread evenly" +
                       (consumers.shards > 0 ? ", and the consumers keep up with that many" : "") +
                       ".";
  }
  f.recommendation += " Check the hot-shard shares before reducing." + std::string(kFirstEstimate);
  AddFigures(&f, {{"stream_utilization", w.stream_util},
                  {"peak_demand_records_per_s", r.peak_demand_records_per_s},
                  {"peak_demand_bytes_per_s", r.peak_demand_bytes_per_s},
                  {"open_shards", w.open},
                  {"shards_needed", suggested},
                  {"write_shards_needed", w.shards_needed},
                  {"consumer_shards_needed", consumers.shards},
                  {"target_utilization", w.target}});
  return f;
}

// ---------------------------------------------------------------- per producer

// How long a record may wait in a healthy producer before the stream accepts it: its buffer time
// (KPL RecordMaxBufferedTime, PutRecords linger; PutRecord sends at once) plus a p99 call.
double BufferedMs(const ProducerSpec* spec, const ProducerResult& p) {
  double ms = p.put_latency.p99_ms;
  if (spec != nullptr) {
    if (spec->api.type == ApiType::kKpl) {
      ms += static_cast<double>(spec->api.record_max_buffered_time.millis());
    } else if (spec->api.type == ApiType::kPutRecords) {
      ms += static_cast<double>(spec->api.linger.millis());
    }
  }
  return ms;
}

// What sends a backlogged producer's records faster, from its settings: write capacity first when
// it is throttled, then more or fuller calls.
std::string BacklogAdvice(const ProducerSpec* spec, const ProducerResult& p, bool throttling) {
  std::vector<std::string> levers;
  if (spec != nullptr) {
    switch (spec->api.type) {
      case ApiType::kPutRecord:
        levers.emplace_back("switch to PutRecords (up to 500 records per call)");
        levers.push_back("raise max_in_flight_calls (now " +
                         std::to_string(spec->api.max_in_flight_calls) + ")");
        break;
      case ApiType::kPutRecords: {
        levers.push_back("raise max_in_flight_calls (now " +
                         std::to_string(spec->api.max_in_flight_calls) + ")");
        const double per_call =
            p.calls > 0 ? static_cast<double>(p.kinesis_records_sent) / static_cast<double>(p.calls)
                        : 0.0;
        if (spec->api.max_batch_records < 500 &&
            per_call >= 0.9 * static_cast<double>(spec->api.max_batch_records)) {
          levers.push_back("raise max_batch_records (now " +
                           std::to_string(spec->api.max_batch_records) +
                           ", up to 500; calls are full)");
        }
        break;
      }
      case ApiType::kKpl:
        levers.push_back("raise max_connections (now " + std::to_string(spec->api.max_connections) +
                         ")");
        break;
    }
    levers.push_back("run more instances (now " + std::to_string(spec->instances) + ")");
  }
  std::string out = "The producer sends slower than it creates records";
  if (throttling) out += "; the stream refuses part of its writes (see write_throttling)";
  return out + ": " + JoinOr(levers) + ".";
}

// A producer that cannot send as fast as it creates records builds a backlog; the stream may look
// healthy while latency grows without bound. Records that are only waiting out their buffer time
// (a long linger or RecordMaxBufferedTime) are in flight by design, not a backlog: only what
// exceeds the production of that time (rate x (buffer time + p99 call)) counts.
std::optional<Finding> ProducerBacklog(const Scenario& scenario, const RunResult& r, int pi,
                                       bool throttling) {
  const ProducerResult& p = r.producers[static_cast<size_t>(pi)];
  const ProducerSpec* spec = static_cast<size_t>(pi) < scenario.producers.size()
                                 ? &scenario.producers[static_cast<size_t>(pi)]
                                 : nullptr;
  const double per_s = static_cast<double>(p.records_produced) / std::max(r.duration_s, 1e-9);
  const double buffered_ms = BufferedMs(spec, p);
  const double expected = per_s * buffered_ms / 1000;
  const double in_flight = static_cast<double>(p.records_in_flight);
  if (!(per_s > 0 && in_flight - expected > 5.0 * per_s)) return std::nullopt;
  const double backlog_s = in_flight / per_s;
  Finding f = NewFinding(FindingKind::kProducerBacklog, Severity::kCritical, "producer " + p.name);
  f.producer = pi;
  f.evidence = CountNoun(p.records_in_flight, "record", "records") + " (" + Fixed(backlog_s, 0) +
               " s of production) were still waiting in the producer at the end of the run, "
               "where its buffer time and a p99 call (" +
               MillisWhole(buffered_ms) + ") explain about " +
               Grouped(static_cast<uint64_t>(std::llround(expected))) + "; record latency p50 " +
               Fixed(p.record_latency.p50_ms, 0) + " ms, p99 " + Fixed(p.record_latency.p99_ms, 0) +
               " ms (creation to acceptance), with " + CountNoun(p.calls, "call", "calls") + ".";
  f.recommendation = BacklogAdvice(spec, p, throttling);
  AddFigures(&f, {{"records_in_flight", p.records_in_flight},
                  {"backlog_s", backlog_s},
                  {"buffered_in_flight", expected},
                  {"buffer_and_call_ms", buffered_ms},
                  {"record_latency_p50_ms", p.record_latency.p50_ms},
                  {"record_latency_p99_ms", p.record_latency.p99_ms},
                  {"calls", p.calls}});
  return f;
}

std::optional<Finding> OversizedRecords(const Scenario& scenario, const RunResult& r, int pi,
                                        bool to_firehose) {
  const ProducerResult& p = r.producers[static_cast<size_t>(pi)];
  if (p.records_oversized == 0) return std::nullopt;
  const int64_t max_bytes =
      to_firehose ? kFirehoseMaxRecordBytes : scenario.stream.max_record_size_bytes;
  Finding f = NewFinding(FindingKind::kOversizedRecords, Severity::kCritical, "producer " + p.name);
  f.producer = pi;
  f.evidence = CountNoun(p.records_oversized, "record", "records") + " exceeded " +
               (to_firehose ? "Firehose's " + FormatBytes(max_bytes) + " maximum record size"
                            : "the stream's " + FormatBytes(max_bytes) +
                                  " maximum record size (data + partition key)") +
               " and " + (p.records_oversized == 1 ? "was" : "were") + " rejected.";
  // Fact sheet 1: MaxRecordSizeInKiB goes up to 10 MiB.
  constexpr int64_t kMaxRecordSizeLimit = 10 * kMiB;
  f.recommendation =
      to_firehose ? "Split or compress large payloads, or store them in S3 and send a pointer (the "
                    "Firehose record limit is fixed)."
      : max_bytes < kMaxRecordSizeLimit
          ? "Split or compress large payloads, store them in S3 and send a pointer, or raise "
            "MaxRecordSizeInKiB (now " +
                FormatBytes(max_bytes) + ", up to 10 MiB; shard throughput is unchanged)."
          : "Split or compress large payloads, or store them in S3 and send a pointer "
            "(MaxRecordSizeInKiB is at its 10 MiB maximum).";
  AddFigures(&f, {{"records_oversized", p.records_oversized}, {"max_record_bytes", max_bytes}});
  return f;
}

// Records given up on: data loss. The advice follows the throttling's cause: retries cannot place
// what a hot key's shard refuses, they can wait out bursts.
std::optional<Finding> RecordsDropped(const RunResult& r, int pi, bool to_firehose,
                                      const ThrottleCause& cause) {
  const ProducerResult& p = r.producers[static_cast<size_t>(pi)];
  const uint64_t lost = p.records_dropped - p.records_oversized;
  if (lost == 0) return std::nullopt;
  Finding f = NewFinding(FindingKind::kRecordsDropped, Severity::kCritical, "producer " + p.name);
  f.producer = pi;
  f.evidence = Grouped(lost) + " of " + CountNoun(p.records_produced, "record", "records") + " " +
               (lost == 1 ? "was" : "were") +
               " dropped after exhausting their retries or TTL: data loss.";
  const std::string more_attempts = "allow more attempts and a longer backoff so bursts can drain.";
  if (to_firehose) {
    f.recommendation = p.records_throttled > 0
                           ? "Raise the Firehose's Direct PUT quotas (see direct_put_throttling), "
                             "or " +
                                 more_attempts
                           : "Nothing was throttled: the records ran out of attempts or TTL on "
                             "failed or timed-out calls; allow more attempts or a longer TTL, and "
                             "check the call timeout.";
  } else {
    switch (cause.source) {
      case ThrottleSource::kHotKey:
        f.recommendation =
            "Salt the hot key (see hot_key): its shard refuses what no retry can "
            "place, so more attempts and a longer backoff only delay the loss.";
        break;
      case ThrottleSource::kHotShard:
        f.recommendation =
            "Split the hot shard (see hot_shard) so its keys fit the limit; more "
            "attempts and a longer backoff help only against short bursts.";
        break;
      case ThrottleSource::kCapacity:
        f.recommendation = "Add write capacity (see write_throttling), or " + more_attempts;
        break;
      case ThrottleSource::kBursts:
        f.recommendation =
            "Add headroom or smooth producer bursts (see write_throttling), or " + more_attempts;
        break;
      case ThrottleSource::kNone:
        f.recommendation =
            "Nothing was throttled: the records ran out of attempts or TTL on failed or timed-out "
            "calls; allow more attempts or a longer TTL, and check the call timeout.";
        break;
    }
  }
  AddFigures(&f, {{"records_dropped", lost}, {"records_produced", p.records_produced}});
  return f;
}

std::optional<Finding> Duplicates(const Scenario& scenario, const RunResult& r, int pi) {
  const ProducerResult& p = r.producers[static_cast<size_t>(pi)];
  if (p.duplicates == 0) return std::nullopt;
  const ProducerSpec* spec = static_cast<size_t>(pi) < scenario.producers.size()
                                 ? &scenario.producers[static_cast<size_t>(pi)]
                                 : nullptr;
  Finding f = NewFinding(FindingKind::kDuplicates, Severity::kWarning, "producer " + p.name);
  f.producer = pi;
  f.evidence = CountNoun(p.calls_timed_out, "call", "calls") +
               " timed out; resending records the shard had already stored created " +
               CountNoun(p.duplicates, "duplicate record", "duplicate records") +
               " (p99 put latency " + Fixed(p.put_latency.p99_ms, 0) + " ms).";
  // A timed-out call counts its timeout as its latency, so the p99 can sit at the timeout itself.
  const bool sdk = spec != nullptr && spec->api.type != ApiType::kKpl;
  f.recommendation =
      "Make consumers idempotent (deduplicate on a record id), and " +
      (sdk ? "raise retry.call_timeout (now " + FormatDuration(spec->retry.call_timeout) +
                 ") well above the latency of calls that succeed: a call abandoned at the timeout "
                 "is resent although the shard may have stored its records."
           : std::string("set the call timeout well above the latency of calls that succeed."));
  AddFigures(&f, {{"calls_timed_out", p.calls_timed_out},
                  {"duplicates", p.duplicates},
                  {"put_latency_p99_ms", p.put_latency.p99_ms}});
  return f;
}

// Backlog, oversized records, data loss and duplicates, per producer in scenario order.
std::vector<Finding> ProducerFindings(const Scenario& scenario, const RunResult& r,
                                      const ThrottleCause& cause) {
  std::vector<Finding> out;
  for (size_t i = 0; i < r.producers.size(); ++i) {
    const int pi = static_cast<int>(i);
    const bool to_firehose = i < scenario.producers.size() && !scenario.producers[i].target.empty();
    // A throttled producer's backlog points to write_throttling, which exists when any shard
    // throttled.
    Append(&out, ProducerBacklog(
                     scenario, r, pi,
                     !to_firehose && r.producers[i].records_throttled > 0 && cause.throttled > 0));
    Append(&out, OversizedRecords(scenario, r, pi, to_firehose));
    Append(&out, RecordsDropped(r, pi, to_firehose, cause));
    Append(&out, Duplicates(scenario, r, pi));
  }
  return out;
}

}  // namespace

void AddWritePathFindings(const Scenario& scenario, const ShardMap& map,
                          const std::vector<KeyUsage>& usage, RunResult* result) {
  std::vector<Finding>& out = result->findings;
  if (!scenario.has_stream) {  // Direct PUT only: no shards to judge, only the producers
    std::vector<Finding> producers = ProducerFindings(scenario, *result, ThrottleCause{});
    std::move(producers.begin(), producers.end(), std::back_inserter(out));
    return;
  }
  const WriteContext w = MakeContext(scenario, map, usage, *result);
  std::vector<Finding> hot = HotKeyAndShardFindings(w, *result);
  const int hot_shards = static_cast<int>(std::count_if(
      hot.begin(), hot.end(), [](const Finding& f) { return f.kind == FindingKind::kHotShard; }));
  const ThrottleCause cause = CauseOf(w, *result, hot);
  std::move(hot.begin(), hot.end(), std::back_inserter(out));
  // Throttling explains capacity; only an unthrottled stream can be over-provisioned.
  std::optional<Finding> capacity = WriteThrottling(w, *result, cause);
  if (!capacity) capacity = OverProvisioned(w, *result, hot_shards);
  if (capacity) out.push_back(std::move(*capacity));
  std::vector<Finding> producers = ProducerFindings(scenario, *result, cause);
  std::move(producers.begin(), producers.end(), std::back_inserter(out));
}

}  // namespace shardsim
