// Objectives and verdicts. See objectives.h.
#include "planner/objectives.h"

#include <algorithm>
#include <string_view>

#include "models/result/format.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

bool StatesObjectives(const Scenario& s) {
  if (!s.slos) return false;
  const SloSpec& o = *s.slos;
  return o.max_iterator_age || o.p99_latency || o.max_write_throttle_fraction ||
         o.max_shard_utilization;
}

// The shard that refused the most attempts, and the limit that refused most of them there.
std::string MostThrottled(const RunResult& r) {
  const ShardResult* worst = nullptr;
  for (const ShardResult& s : r.shards) {
    if (worst == nullptr || s.throttled_records > worst->throttled_records) worst = &s;
  }
  if (worst == nullptr || worst->throttled_records == 0) return "";
  const bool records = worst->throttled_by_records_limit >= worst->throttled_by_bytes_limit;
  return " (most on " + worst->shard_id + ", by the " + (records ? "records" : "bytes") + " limit)";
}

bool IsConsumerFinding(const Finding& f) { return f.consumer >= 0; }

bool HasFigure(const Finding& f, std::string_view name) {
  return std::any_of(f.figures.begin(), f.figures.end(),
                     [&](const FindingFigure& x) { return x.name == name; });
}

}  // namespace

double WriteThrottleFraction(const RunResult& r) {
  uint64_t throttled = 0, offered = 0;
  for (const ShardResult& s : r.shards) {
    throttled += s.throttled_records;
    offered += s.records_offered;
  }
  return offered == 0 ? 0.0 : static_cast<double>(throttled) / static_cast<double>(offered);
}

std::vector<std::string> ObjectivesOf(const Scenario& s) {
  std::vector<std::string> out;
  out.push_back("no record dropped by a write limit or expired unread");
  if (!StatesObjectives(s)) {
    out.push_back("write throttle fraction <= " +
                  PercentTwoDecimals(kDefaultMaxWriteThrottleFraction) + " of record attempts");
    out.push_back("no consumer's iterator age growing");
  } else {
    const SloSpec& o = *s.slos;
    if (o.max_write_throttle_fraction) {
      out.push_back("write throttle fraction <= " +
                    PercentTwoDecimals(*o.max_write_throttle_fraction));
    }
    if (o.max_shard_utilization) {
      out.push_back("busiest shard <= " + PercentTwoDecimals(*o.max_shard_utilization) +
                    " of its write limit");
    }
    if (o.p99_latency) out.push_back("p99 latency <= " + FormatDuration(*o.p99_latency));
    if (o.max_iterator_age) {
      out.push_back("iterator age <= " + FormatDuration(*o.max_iterator_age));
    }
  }
  if (s.slos && s.slos->max_monthly_cost_usd) {
    out.push_back("cost <= " + Usd(*s.slos->max_monthly_cost_usd) + "/month");
  }
  return out;
}

Verdict Judge(const Scenario& s, const RunResult& r) {
  Verdict v;
  std::vector<std::string> missed;
  bool writer_missed = false, consumer_missed = false;
  uint64_t dropped = 0;
  for (const ProducerResult& p : r.producers) dropped += p.records_dropped - p.records_oversized;
  if (dropped > 0) {
    missed.push_back(Grouped(dropped) + (dropped == 1 ? " record" : " records") +
                     " dropped after their retries" + MostThrottled(r));
    writer_missed = true;
  }
  uint64_t expired = 0;
  for (const ConsumerResult& c : r.consumers) expired += c.records_expired;
  if (expired > 0) {
    missed.push_back(Grouped(expired) + (expired == 1 ? " record" : " records") +
                     " expired unread");
    consumer_missed = true;
  }
  if (!StatesObjectives(s)) {
    const double fraction = WriteThrottleFraction(r);
    if (fraction > kDefaultMaxWriteThrottleFraction) {
      missed.push_back("write throttle fraction " + PercentTwoDecimals(fraction) + " > " +
                       PercentTwoDecimals(kDefaultMaxWriteThrottleFraction) + MostThrottled(r));
      writer_missed = true;
    }
    for (const Finding& f : r.findings) {
      if (f.kind == FindingKind::kIteratorAgeGrowing) {
        missed.push_back(f.subject + "'s iterator age grows");
        consumer_missed = true;
      }
    }
  }
  for (const Finding& f : r.findings) {
    if (f.kind != FindingKind::kSloViolated) continue;
    if (HasFigure(f, "objective_max_monthly_cost_usd")) {
      v.cost_missed = true;
      continue;
    }
    missed.push_back(f.subject + ": " + f.evidence);
    (IsConsumerFinding(f) ? consumer_missed : writer_missed) = true;
  }
  v.met = missed.empty();
  if (!v.met) v.missed = missed.front();
  v.consumer_bound = consumer_missed && !writer_missed;
  return v;
}

}  // namespace shardsim
