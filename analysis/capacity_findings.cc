// Capacity-mode findings: on-demand against provisioned, and on-demand's doubling rule. See
// capacity_findings.h.
#include "analysis/capacity_findings.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "analysis/finding_support.h"
#include "models/result/format.h"
#include "models/run/billing.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

constexpr int64_t kDoublingWindowMinutes = 15;  // fact sheet 5

std::string Minute(int64_t m) { return "minute " + std::to_string(m); }

std::string At(double seconds) {
  return FormatDuration(SimDuration::Nanos(std::llround(seconds * 1e9)));
}

// The monthly cost of `r`'s traffic billed as `mode` (with `shards` open throughout when
// provisioned): the run's quantities counted as CountBilling counts that mode's.
double MonthlyCostAs(const Scenario& scenario, const RunResult& r, StreamMode mode, int64_t shards,
                     const PriceTable& prices) {
  Scenario s = scenario;
  s.stream.mode = mode;
  RunResult traffic;  // what CountBilling reads
  traffic.duration_s = r.duration_s;
  traffic.shards = r.shards;
  traffic.consumers = r.consumers;
  if (mode == StreamMode::kProvisioned) {
    for (ShardResult& x : traffic.shards) x.open_hours = 0;
    if (!traffic.shards.empty()) {
      traffic.shards.front().open_hours = static_cast<double>(shards) * r.duration_s / 3600;
    }
  }
  CountBilling(s, &traffic);
  return PriceRun(traffic.billing, r.duration_s / 3600, prices).total_per_month_usd;
}

bool Priced(const RunResult& r) { return r.cost && r.cost->priced && r.duration_s > 0; }

// The stream's traffic by minute, summed over the per-shard series.
struct Minutes {
  std::vector<double> offered, accepted, bytes, throttled;
};

Minutes ByMinute(const std::vector<SeriesTable>& series, double duration_s) {
  Minutes m;
  const auto n = static_cast<size_t>(std::max(1.0, std::ceil(duration_s / 60.0 - 1e-9)));
  m.offered.assign(n, 0);
  m.accepted.assign(n, 0);
  m.bytes.assign(n, 0);
  m.throttled.assign(n, 0);
  for (const SeriesTable& t : series) {
    if (!t.name.starts_with("shardId-") || t.columns.size() < 4) continue;
    for (const std::vector<double>& row : t.rows) {
      const auto i = std::min(n - 1, static_cast<size_t>(std::max(0.0, row[0]) / 60.0));
      m.accepted[i] += row[1];
      m.bytes[i] += row[2];
      m.throttled[i] += row[3];
      m.offered[i] += row[1] + row[3];
    }
  }
  return m;
}

// "2,097 record attempts/s (16MiB/s)": attempts, retries included, as the shards saw them; the
// bytes estimated at the accepted records' mean size.
std::string Rates(const Minutes& m, size_t i) {
  const double records = m.offered[i] / 60.0;
  const double bytes = m.accepted[i] > 0 ? m.bytes[i] / m.accepted[i] * m.offered[i] / 60.0 : 0.0;
  return Count(std::round(records)) + " record attempts/s (" + ApproxByteRate(bytes) + ")";
}

void OnDemandThrottled(const Scenario& scenario, const std::vector<SeriesTable>& series,
                       RunResult* r) {
  const Minutes m = ByMinute(series, r->duration_s);
  const auto first_measured = static_cast<size_t>(std::ceil(scenario.warmup.seconds() / 60.0));
  size_t first = m.throttled.size();
  for (size_t i = first_measured; i < m.throttled.size(); ++i) {
    if (m.throttled[i] > 0) {
      first = i;
      break;
    }
  }
  if (first == m.throttled.size()) return;
  size_t last = first;
  double throttled = 0;
  for (size_t i = first; i < m.throttled.size(); ++i) {
    if (m.throttled[i] > 0) last = i;
    throttled += m.throttled[i];
  }
  // The previous peak: the busiest minute that ended at least 15 minutes before the first
  // throttled one. Without one, a new stream's starting capacity stands for twice its peak.
  const auto shards = static_cast<double>(scenario.stream.shards);
  const double start_capacity = shards * r->write_limit_records_per_sec;
  double peak = 0;
  bool had_peak = false;
  size_t peak_minute = 0;
  for (size_t i = 0; i + kDoublingWindowMinutes <= first; ++i) {
    if (m.offered[i] / 60.0 >= peak) {
      peak = m.offered[i] / 60.0;
      peak_minute = i;
      had_peak = true;
    }
  }
  const double now = m.offered[first] / 60.0;
  const double base = had_peak && peak > 0 ? peak : start_capacity / 2;
  const double ratio = base > 0 ? now / base : 0;
  Finding f = NewFinding(FindingKind::kOnDemandThrottled, Severity::kWarning, "stream");
  f.evidence = "The on-demand stream throttled " +
               CountNoun(static_cast<uint64_t>(throttled), "record", "records") + " from " +
               Minute(static_cast<int64_t>(first)) + " (" + At(60.0 * static_cast<double>(first)) +
               ") to " + Minute(static_cast<int64_t>(last)) + ": it was offered " +
               Rates(m, first) + " in " + Minute(static_cast<int64_t>(first)) + ", " +
               SignedFixed(ratio, 1) + "x " +
               (had_peak && peak > 0
                    ? "its peak of " + Rates(m, peak_minute) + " up to 15 minutes earlier (" +
                          Minute(static_cast<int64_t>(peak_minute)) + ")"
                    : "half its starting capacity of " + Count(start_capacity) + " records/s (" +
                          std::to_string(scenario.stream.shards) + " shards)") +
               ", attempts counting retries. On-demand absorbs up to twice its previous peak and "
               "splits a shard that runs over " +
               FormatByteRate(scenario.stream.on_demand.split_threshold_bytes_per_sec) +
               " within " + FormatDuration(scenario.stream.on_demand.split_delay) +
               " (fact sheet 5): traffic that more than doubles within 15 minutes is throttled "
               "until the splits land.";
  for (const OperationResult& o : r->operations) {
    if (o.cause == "on_demand" && o.op == "split" && o.completed_at_s >= 60.0 * first) {
      f.evidence += " The first split after it took effect at " + At(o.completed_at_s) + ".";
      break;
    }
  }
  if (last + 1 >= m.throttled.size()) {
    f.evidence += " It was still throttling at the end of the run.";
  }
  const bool hot_key = FindFinding(r->findings, FindingKind::kHotKey) != nullptr;
  f.recommendation =
      "Ramp traffic at most twice its previous peak per 15 minutes, start the stream warm "
      "(On-demand Advantage's warm throughput, or switch from a provisioned stream sized for the "
      "peak: the shard count is kept), or use provisioned capacity sized with `shardsim size`.";
  if (hot_key) {
    f.recommendation +=
        " A key over one shard's limit stays throttled however the stream "
        "scales (see hot_key).";
  }
  AddFigures(&f, {{"first_throttled_minute", first},
                  {"last_throttled_minute", last},
                  {"offered_records_per_s", now},
                  {"previous_peak_records_per_s", base},
                  {"ratio", ratio},
                  {"throttled_records", throttled}});
  r->findings.push_back(std::move(f));
}

void ProvisionedAlternative(const Scenario& scenario, const PriceTable* prices, RunResult* r) {
  const double by_bytes = r->peak_demand_bytes_per_s / std::max(1.0, r->write_limit_bytes_per_sec);
  const double by_records =
      r->peak_demand_records_per_s / std::max(1.0, r->write_limit_records_per_sec);
  const auto shards =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(std::max(by_bytes, by_records) - 1e-9)));
  int splits = 0, merges = 0;
  for (const OperationResult& o : r->operations) {
    if (o.cause != "on_demand" || o.status != "completed") continue;
    splits += o.splits;
    merges += o.merges;
  }
  Finding f = NewFinding(FindingKind::kProvisionedAlternative, Severity::kInfo, "stream");
  f.evidence = "The on-demand stream started with " + std::to_string(scenario.stream.shards) +
               " shards and ran " + CountNoun(static_cast<uint64_t>(splits), "split", "splits") +
               " and " + CountNoun(static_cast<uint64_t>(merges), "merge", "merges") + " (" +
               std::to_string(r->min_open_shards) + " to " + std::to_string(r->max_open_shards) +
               " open shards). A provisioned stream of " + std::to_string(shards) +
               (shards == 1 ? " shard" : " shards") + " carries its busiest second of demand (" +
               ApproxByteRate(r->peak_demand_bytes_per_s) + ", " +
               Count(r->peak_demand_records_per_s) + " records/s) at the write limits";
  AddFigures(&f, {{"provisioned_shards", shards}});
  if (prices != nullptr && Priced(*r)) {
    const double provisioned =
        MonthlyCostAs(scenario, *r, StreamMode::kProvisioned, shards, *prices);
    const double on_demand = r->cost->total_per_month_usd;
    f.evidence +=
        ", for " + Usd(provisioned) + "/month against on-demand's " + Usd(on_demand) + "/month";
    AddFigures(&f, {{"provisioned_cost_per_month_usd", provisioned},
                    {"on_demand_cost_per_month_usd", on_demand}});
  }
  f.evidence += ".";
  f.recommendation =
      "Skew and bursts may need more shards than the write limits say: `shardsim size` on the "
      "scenario with stream.mode \"provisioned\" checks the count by simulation. Provisioned "
      "capacity does not follow a ramp by itself (autoscaling or UpdateShardCount does).";
  r->findings.push_back(std::move(f));
}

void OnDemandCheaper(const Scenario& scenario, const PriceTable& prices, RunResult* r) {
  if (!Priced(*r)) return;
  const double provisioned = r->cost->total_per_month_usd;
  const double on_demand = MonthlyCostAs(scenario, *r, StreamMode::kOnDemand, 0, prices);
  if (on_demand >= provisioned) return;
  Finding f = NewFinding(FindingKind::kOnDemandCheaper, Severity::kInfo, "stream");
  f.evidence = "This traffic in on-demand mode would cost " + Usd(on_demand) +
               "/month (stream-hours, data in rounded up to 1 KiB per record, reads and "
               "retention by GB) against " +
               Usd(provisioned) + "/month provisioned.";
  f.recommendation =
      "Consider on-demand mode: it absorbs up to twice its previous peak and throttles when "
      "traffic more than doubles within 15 minutes. `shardsim size` simulates the on-demand "
      "alternative with the same seeds and reports whether it meets the objectives.";
  AddFigures(&f, {{"on_demand_cost_per_month_usd", on_demand},
                  {"provisioned_cost_per_month_usd", provisioned}});
  r->findings.push_back(std::move(f));
}

}  // namespace

void AddCapacityModeFindings(const Scenario& scenario, const PriceTable* prices,
                             const std::vector<SeriesTable>& series, RunResult* r) {
  if (!scenario.has_stream) return;
  // A run that switched modes is its own comparison (the cost shows each mode's part); the
  // what-ifs below price the whole run in one mode.
  if (!r->mode_periods.empty()) return;
  if (scenario.stream.mode == StreamMode::kOnDemand) {
    // Shard counts are the service's to choose: advice to change them does not apply.
    std::erase_if(r->findings, [](const Finding& f) {
      return f.kind == FindingKind::kOverProvisioned || f.kind == FindingKind::kIdleShards;
    });
    OnDemandThrottled(scenario, series, r);
    ProvisionedAlternative(scenario, prices, r);
    return;
  }
  if (prices != nullptr) OnDemandCheaper(scenario, *prices, r);
}

}  // namespace shardsim
