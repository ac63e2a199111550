// Cost findings. See cost_findings.h.
#include "analysis/cost/cost_findings.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "analysis/finding_support.h"
#include "models/result/format.h"
#include "models/spec/enum_names.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kFirehoseUnitBytes = 5 * 1024;      // Firehose rounds each record up to 5 KB
constexpr double kPayloadUnitBytes = 25 * 1024;      // a PUT payload unit is 25 KB (fact sheet 9)
constexpr double kSharedReadBytesPerSec = 2 * kMiB;  // per shard, shared by GetRecords readers
// A lever is worth a finding when it saves at least this much a month, and this share of the bill.
constexpr double kMinSavingUsd = 1.0;
constexpr double kMinSavingShare = 0.02;
// ... and is a warning when it saves at least this share of the bill.
constexpr double kWarningShare = 0.2;

struct Bill {
  const Scenario& scenario;
  const PriceTable& prices;
  RunResult& run;
  const CostResult& cost;
};

bool WorthIt(const Bill& b, double saving) {
  return saving >= kMinSavingUsd && saving >= kMinSavingShare * b.cost.total_per_month_usd;
}

Severity SeverityOf(const Bill& b, double saving) {
  return saving >= kWarningShare * b.cost.total_per_month_usd ? Severity::kWarning
                                                              : Severity::kInfo;
}

// The effective price of one more unit of `d` at a monthly quantity (the tier it falls in), or 0.
double UnitPrice(const PriceTable& prices, PriceDimension d, double monthly_quantity) {
  const std::optional<Price>& p = prices[d];
  if (!p || monthly_quantity <= 0) return 0;
  return MonthlyAmount(*p, monthly_quantity) / monthly_quantity;
}

void AddSaving(Finding* f, double cost, double saving) {
  AddFigures(f, {{"cost_per_month_usd", cost}, {"saving_per_month_usd", saving}});
}

std::string PerMonth(double usd) { return Usd(usd) + "/month"; }

// ---------------------------------------------------------------- Firehose 5 KB rounding

void FirehoseRounding(const Bill& b) {
  for (size_t i = 0; i < b.run.consumers.size(); ++i) {
    const ConsumerResult& c = b.run.consumers[i];
    if (!c.firehose || c.firehose->records_in == 0 || c.firehose->ingested_gb_billed <= 0) continue;
    const FirehoseResult& fh = *c.firehose;
    const double records = static_cast<double>(fh.records_in);
    const double mean_bytes = static_cast<double>(fh.bytes_in) / records;
    if (mean_bytes <= 0 || mean_bytes >= 0.8 * kFirehoseUnitBytes) continue;
    // Combine k records into one blob of at least 5 KB; each blob still rounds up to 5 KB.
    const double k = std::ceil(kFirehoseUnitBytes / mean_bytes);
    const double blob_billed = std::ceil(k * mean_bytes / kFirehoseUnitBytes) * kFirehoseUnitBytes;
    const double combined_gb = records / k * blob_billed / kGiB;
    const double cost = MonthlyCostOf(b.cost, PriceDimension::kFirehoseIngestGb, c.name);
    const double saving = cost * (1 - combined_gb / fh.ingested_gb_billed);
    if (!WorthIt(b, saving)) continue;
    const double data_gb = static_cast<double>(fh.bytes_in) / kGiB;
    Finding f = NewFinding(FindingKind::kFirehoseRecordRounding, SeverityOf(b, saving), c.name);
    f.consumer = static_cast<int>(i);
    f.evidence = "Firehose bills each record rounded up to 5 KB: " +
                 CountNoun(fh.records_in, "record", "records") + " of " + ApproxBytes(mean_bytes) +
                 " on average were billed as " + Fixed(fh.ingested_gb_billed, 3) + " GB for " +
                 Fixed(data_gb, 3) + " GB of data (" + Fixed(fh.ingested_gb_billed / data_gb, 1) +
                 " times); ingestion costs " + PerMonth(cost) + ".";
    f.recommendation =
        "Combine about " + Count(k) +
        " records into one record of at least 5 KB before they "
        "reach the Firehose (newline-delimited, in the producer or the application that sends "
        "them): ingestion would bill about " +
        Fixed(combined_gb, 3) + " GB and save " + PerMonth(saving) +
        ". Downstream readers of the S3 objects see the same lines.";
    AddFigures(&f, {{"records_in", fh.records_in},
                    {"mean_record_bytes", mean_bytes},
                    {"billed_gb", fh.ingested_gb_billed},
                    {"data_gb", data_gb},
                    {"records_per_combined_record", k},
                    {"combined_billed_gb", combined_gb}});
    AddSaving(&f, cost, saving);
    b.run.findings.push_back(std::move(f));
  }
}

// ---------------------------------------------------------------- PUT payload units

void PutPayloadUnits(const Bill& b) {
  if (b.scenario.stream.mode != StreamMode::kProvisioned ||
      AllStreamProducersAggregate(b.scenario)) {
    return;
  }
  uint64_t units = 0, records = 0, bytes = 0;
  for (const ShardResult& s : b.run.shards) {
    units += s.put_payload_units;
    records += s.records_in;
    bytes += s.bytes_in;
  }
  if (units == 0 || records == 0) return;
  const double mean_bytes = static_cast<double>(bytes) / static_cast<double>(records);
  if (mean_bytes >= kPayloadUnitBytes / 2) return;
  // Aggregates that fill their payload units: about one unit per 25 KB of data.
  const double aggregated_units = std::ceil(static_cast<double>(bytes) / kPayloadUnitBytes);
  const double cost = MonthlyCostOf(b.cost, PriceDimension::kKdsPutPayloadUnit);
  const double saving = cost * (1 - aggregated_units / static_cast<double>(units));
  if (!WorthIt(b, saving)) return;
  Finding f = NewFinding(FindingKind::kPutPayloadUnits, SeverityOf(b, saving), "stream");
  f.evidence = "Each stored record costs at least one 25 KB PUT payload unit: " +
               CountNoun(records, "record", "records") + " of " + ApproxBytes(mean_bytes) +
               " on average cost " + CountNoun(units, "unit", "units") + ", " + PerMonth(cost) +
               ".";
  f.recommendation =
      "Aggregate user records into Kinesis records of up to 25 KB (the KPL with aggregation, or "
      "your own batching per partition key; KCL, Firehose and Lambda with the KPL library "
      "de-aggregate): about " +
      Count(aggregated_units) + " units, saving " + PerMonth(saving) +
      ". Fewer, larger records also ease the 1,000 records/s shard limit.";
  AddFigures(&f, {{"payload_units", units},
                  {"records_stored", records},
                  {"mean_record_bytes", mean_bytes},
                  {"aggregated_payload_units", aggregated_units}});
  AddSaving(&f, cost, saving);
  b.run.findings.push_back(std::move(f));
}

// ---------------------------------------------------------------- enhanced fan-out

// Shared readers beside which one more still leaves each shard room: at about one GetRecords call
// per second each, three readers use 3 of the 5 calls/s and leave room to catch up.
constexpr int kMaxSharedReaders = 3;
constexpr double kSharedReadHeadroom = 0.8;
// A p99 latency objective under this needs enhanced fan-out's push (~70 ms) rather than polling.
constexpr int64_t kPollingLatencyFloorMs = 2000;

struct EfoSwitch {
  size_t index = 0;
  double cost = 0, saving = 0;
};

// Enhanced fan-out consumers that could read with shared throughput instead, most saving first,
// as many as fit beside the shared readers there are: each one switched adds a reader to every
// shard's 5 calls/s and 2 MiB/s.
void EfoCost(const Bill& b) {
  int shared = 0;
  for (const ConsumerSpec& c : b.scenario.consumers) shared += SharesReadLimits(c) ? 1 : 0;
  if (b.scenario.slos && b.scenario.slos->p99_latency &&
      b.scenario.slos->p99_latency->millis() < kPollingLatencyFloorMs) {
    return;
  }
  double peak_shard_bytes = 0;
  for (const ShardResult& s : b.run.shards) {
    peak_shard_bytes = std::max(peak_shard_bytes, s.peak_bytes_per_s);
  }
  const bool on_demand = b.scenario.stream.mode == StreamMode::kOnDemand;
  std::vector<EfoSwitch> candidates;
  for (size_t i = 0; i < b.scenario.consumers.size() && i < b.run.consumers.size(); ++i) {
    if (!ReadsWithEnhancedFanOut(b.scenario.consumers[i])) continue;
    const ConsumerResult& c = b.run.consumers[i];
    EfoSwitch e{i, 0, 0};
    e.cost = MonthlyCostOf(b.cost, PriceDimension::kKdsEfoConsumerShardHour, c.name) +
             MonthlyCostOf(
                 b.cost, on_demand ? PriceDimension::kKdsOnDemandEfoGb : PriceDimension::kKdsEfoGb,
                 c.name);
    // Provisioned shared reads cost nothing extra; on demand they are billed per GB retrieved.
    double shared_cost = 0;
    if (on_demand && b.run.duration_s > 0) {
      const double gb_month =
          static_cast<double>(c.bytes_read) / kGiB * kHoursPerMonth * 3600 / b.run.duration_s;
      shared_cost =
          gb_month * UnitPrice(b.prices, PriceDimension::kKdsOnDemandRetrievalGb, gb_month);
    }
    e.saving = e.cost - shared_cost;
    candidates.push_back(e);
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const EfoSwitch& x, const EfoSwitch& y) { return x.saving > y.saving; });
  int readers = shared;
  for (const EfoSwitch& e : candidates) {
    const double read_share = (readers + 1) * peak_shard_bytes / kSharedReadBytesPerSec;
    if (readers + 1 > kMaxSharedReaders || read_share > kSharedReadHeadroom) break;
    if (!WorthIt(b, e.saving)) continue;
    ++readers;
    const ConsumerResult& c = b.run.consumers[e.index];
    Finding f = NewFinding(FindingKind::kEfoCost, SeverityOf(b, e.saving), c.name);
    f.consumer = static_cast<int>(e.index);
    f.evidence = "Enhanced fan-out for " + c.name + " costs " + PerMonth(e.cost) +
                 ", while the busiest shard's " + ApproxByteRate(peak_shard_bytes) + " read by " +
                 CountNoun(static_cast<uint64_t>(readers), "shared reader", "shared readers") +
                 " would use " + SharePercent(read_share) + " of its 2 MiB/s GetRecords limit" +
                 (readers > shared + 1 ? " (counting the consumers switched above)" : "") + ".";
    f.recommendation =
        "If about a second more latency is acceptable, read with shared throughput (GetRecords "
        "polling or KCL without enhanced fan-out): it saves " +
        PerMonth(e.saving) +
        ". Keep enhanced fan-out when sub-second latency matters or more readers are coming "
        "(shared readers split each shard's 5 calls/s and 2 MiB/s; at most " +
        std::to_string(kMaxSharedReaders) + " keep room to catch up).";
    AddFigures(&f, {{"shared_readers_after", readers},
                    {"peak_shard_bytes_per_s", peak_shard_bytes},
                    {"shared_read_utilization", read_share}});
    AddSaving(&f, e.cost, e.saving);
    b.run.findings.push_back(std::move(f));
  }
}

// ---------------------------------------------------------------- retention

// Retention beyond 24 h is a lever when every consumer stays within this of the tip.
constexpr double kRetentionLagLimitMs = 6 * 3600 * 1000.0;

void RetentionCost(const Bill& b) {
  const double retention_h = static_cast<double>(b.scenario.stream.retention.seconds()) / 3600;
  if (retention_h <= 24) return;
  const double cost = MonthlyCostOf(b.cost, PriceDimension::kKdsExtendedRetentionShardHour) +
                      MonthlyCostOf(b.cost, PriceDimension::kKdsLongTermRetentionGbMonth) +
                      MonthlyCostOf(b.cost, PriceDimension::kKdsOnDemandExtendedRetentionGbMonth) +
                      MonthlyCostOf(b.cost, PriceDimension::kKdsOnDemandLongTermRetentionGbMonth);
  double worst_ms = 0;
  for (const ConsumerResult& c : b.run.consumers) {
    worst_ms = std::max({worst_ms, c.iterator_age_max_ms, c.behind_at_end_ms});
  }
  if (worst_ms > kRetentionLagLimitMs || !WorthIt(b, cost)) return;
  Finding f = NewFinding(FindingKind::kRetentionCost, SeverityOf(b, cost), "stream");
  f.evidence = "Retention of " + FormatDuration(b.scenario.stream.retention) + " costs " +
               PerMonth(cost) + " beyond the 24 h included" +
               (b.run.consumers.empty() ? "; the stream has no consumers in this scenario."
                                        : ", while every consumer stayed within " +
                                              MillisWhole(worst_ms) + " of the newest record.");
  f.recommendation =
      "Unless you replay older data (reprocessing, backfills) or a consumer outage can last more "
      "than a day, retention of 24 h saves " +
      PerMonth(cost) + ".";
  AddFigures(&f, {{"retention_hours", retention_h}, {"max_consumer_lag_ms", worst_ms}});
  AddSaving(&f, cost, cost);
  b.run.findings.push_back(std::move(f));
}

// ---------------------------------------------------------------- idle shards

void IdleShards(const Bill& b) {
  if (b.scenario.stream.mode != StreamMode::kProvisioned) return;
  std::vector<const ShardResult*> open;
  for (const ShardResult& s : b.run.shards) {
    if (s.state == "OPEN") open.push_back(&s);
  }
  if (open.size() < 2) return;
  // What scales with the open shards.
  const double per_shard =
      (MonthlyCostOf(b.cost, PriceDimension::kKdsShardHour) +
       MonthlyCostOf(b.cost, PriceDimension::kKdsExtendedRetentionShardHour) +
       MonthlyCostOf(b.cost, PriceDimension::kKdsEfoConsumerShardHour) +
       MonthlyCostOf(b.cost, PriceDimension::kKdsEnhancedMonitoringMetricMonth)) /
      static_cast<double>(open.size());
  const auto count = static_cast<double>(open.size());
  // Shards beyond what the traffic and the consumers need: over_provisioned's estimate, priced.
  for (Finding& over : b.run.findings) {
    if (over.kind != FindingKind::kOverProvisioned) continue;
    const std::optional<double> needed = FigureOf(over, "shards_needed");
    if (!needed || *needed >= count) break;
    const double saving = (count - *needed) * per_shard;
    over.recommendation += " At " + PerMonth(per_shard) +
                           " per shard (shard-hours and what scales with them), " + Count(*needed) +
                           " shards would save about " + PerMonth(saving) + ".";
    AddSaving(&over, per_shard * count, saving);
    break;
  }
  std::vector<std::string> idle;
  for (const ShardResult* s : open) {
    if (s->first_attempts == 0) idle.push_back(s->shard_id);
  }
  const double saving = static_cast<double>(idle.size()) * per_shard;
  if (idle.empty() || !WorthIt(b, saving)) return;
  Finding f = NewFinding(FindingKind::kIdleShards, SeverityOf(b, saving),
                         idle.size() == 1 ? idle.front() : "stream");
  if (idle.size() == 1) f.shard = ShardIndexOf(b.run, idle.front());
  f.evidence =
      JoinAnd(idle) + " received no records in the run, at " + PerMonth(per_shard) + " per shard.";
  f.recommendation = "No partition key or explicit hash key maps to " +
                     std::string(idle.size() == 1 ? "this shard" : "these shards") +
                     ": merge each into an adjacent shard (MergeShards), saving " +
                     PerMonth(saving) + ", or spread the keys over the whole hash range.";
  AddFigures(&f, {{"idle_shards", idle.size()}, {"cost_per_shard_month_usd", per_shard}});
  AddSaving(&f, per_shard * count, saving);
  b.run.findings.push_back(std::move(f));
}

}  // namespace

double MonthlyCostOf(const CostResult& cost, PriceDimension dimension, std::string_view subject) {
  double sum = 0;
  const std::string_view name = Info(dimension).name;
  for (const CostItem& item : cost.items) {
    if (item.dimension == name && (subject.empty() || item.subject == subject)) {
      sum += item.per_month_usd;
    }
  }
  return sum;
}

void AddCostFindings(const Scenario& scenario, const PriceTable& prices, RunResult* result) {
  if (!result->cost || !result->cost->priced) return;
  const Bill b{scenario, prices, *result, *result->cost};
  FirehoseRounding(b);
  PutPayloadUnits(b);
  EfoCost(b);
  RetentionCost(b);
  IdleShards(b);
}

}  // namespace shardsim
