// Billing quantities of a run. See billing.h.
#include "models/run/billing.h"

#include <algorithm>
#include <string>

#include "models/spec/enum_names.h"
#include "models/spec/price_dimensions.h"

namespace shardsim {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kHoursPerMonth = 730;
constexpr int kEnhancedMonitoringMetrics = 7;  // shard-level metrics (fact sheet 10)

class Billing {
 public:
  explicit Billing(std::vector<BillingQuantity>* out) : out_(out) {}
  void Add(PriceDimension d, double quantity, std::string subject = "") {
    if (quantity <= 0) return;
    const PriceDimensionInfo& info = Info(d);
    out_->push_back({std::string(info.name), quantity, std::string(info.unit), std::move(subject)});
  }

 private:
  std::vector<BillingQuantity>* out_;
};

}  // namespace

void CountBilling(const Scenario& scenario, RunResult* result) {
  RunResult& r = *result;
  r.billing.clear();
  Billing b(&r.billing);
  const double hours = r.duration_s / 3600.0;
  const bool on_demand = scenario.stream.mode == StreamMode::kOnDemand;

  // Shards open over the run: open_shards x hours until resharding changes them in a run.
  double shard_hours = 0;
  uint64_t payload_units = 0, kib_in = 0, bytes_in = 0;
  for (const ShardResult& s : r.shards) {
    shard_hours += s.open_hours;
    payload_units += s.put_payload_units;
    kib_in += s.kib_rounded_in;
    bytes_in += s.bytes_in;
  }
  const double retention_h = scenario.stream.retention.seconds() / 3600.0;
  // Steady state: the data a run's ingest rate keeps beyond 7 days (and beyond 24 h), as GB held
  // for the run's share of a month.
  const double ingest_gb_per_hour = hours > 0 ? static_cast<double>(bytes_in) / kGiB / hours : 0;
  const double month_share = hours / kHoursPerMonth;
  const double long_term_gb = ingest_gb_per_hour * std::max(0.0, retention_h - 168.0);
  const double extended_gb = ingest_gb_per_hour * std::clamp(retention_h - 24.0, 0.0, 144.0);

  if (!r.mode_periods.empty()) {
    // The run switched modes: each mode's dimensions over its own stretches (fact sheet 9).
    double od_hours = 0, prov_shard_hours = 0, od_bytes = 0, prov_bytes = 0;
    uint64_t od_kib = 0, prov_units = 0;
    for (const ModePeriod& p : r.mode_periods) {
      if (p.mode == Name(StreamMode::kOnDemand)) {
        od_hours += (p.to_s - p.from_s) / 3600.0;
        od_kib += p.kib_rounded_in;
        od_bytes += static_cast<double>(p.bytes_in);
      } else {
        prov_shard_hours += p.shard_hours;
        prov_units += p.put_payload_units;
        prov_bytes += static_cast<double>(p.bytes_in);
      }
    }
    // Retention GB-months are linear in the bytes ingested: each mode's share of them.
    const double total_bytes = od_bytes + prov_bytes;
    const double od_share = total_bytes > 0 ? od_bytes / total_bytes : 0;
    b.Add(PriceDimension::kKdsOnDemandStreamHour, od_hours);
    b.Add(PriceDimension::kKdsOnDemandIngestGb, static_cast<double>(od_kib) * 1024.0 / kGiB);
    b.Add(PriceDimension::kKdsOnDemandExtendedRetentionGbMonth,
          extended_gb * month_share * od_share);
    b.Add(PriceDimension::kKdsOnDemandLongTermRetentionGbMonth,
          long_term_gb * month_share * od_share);
    b.Add(PriceDimension::kKdsShardHour, prov_shard_hours);
    b.Add(PriceDimension::kKdsPutPayloadUnit, static_cast<double>(prov_units));
    if (retention_h > 24.0) {
      b.Add(PriceDimension::kKdsExtendedRetentionShardHour, prov_shard_hours);
    }
    b.Add(PriceDimension::kKdsLongTermRetentionGbMonth,
          long_term_gb * month_share * (1.0 - od_share));
  } else if (on_demand) {
    b.Add(PriceDimension::kKdsOnDemandStreamHour, hours);
    b.Add(PriceDimension::kKdsOnDemandIngestGb, static_cast<double>(kib_in) * 1024.0 / kGiB);
    b.Add(PriceDimension::kKdsOnDemandExtendedRetentionGbMonth, extended_gb * month_share);
    b.Add(PriceDimension::kKdsOnDemandLongTermRetentionGbMonth, long_term_gb * month_share);
  } else {
    b.Add(PriceDimension::kKdsShardHour, shard_hours);
    b.Add(PriceDimension::kKdsPutPayloadUnit, static_cast<double>(payload_units));
    if (retention_h > 24.0) b.Add(PriceDimension::kKdsExtendedRetentionShardHour, shard_hours);
    b.Add(PriceDimension::kKdsLongTermRetentionGbMonth, long_term_gb * month_share);
  }
  if (scenario.stream.enhanced_monitoring) {
    b.Add(PriceDimension::kKdsEnhancedMonitoringMetricMonth,
          kEnhancedMonitoringMetrics * shard_hours / kHoursPerMonth);
  }

  for (size_t i = 0; i < r.consumers.size() && i < scenario.consumers.size(); ++i) {
    const ConsumerSpec& spec = scenario.consumers[i];
    const ConsumerResult& c = r.consumers[i];
    const double gb_read = static_cast<double>(c.bytes_read) / kGiB;
    if (!r.mode_periods.empty()) {
      // Reads billed by the mode they were made in.
      double od_gb = 0, prov_gb = 0, prov_shard_hours = 0;
      for (const ModePeriod& p : r.mode_periods) {
        const double gb = i < p.consumer_bytes_read.size()
                              ? static_cast<double>(p.consumer_bytes_read[i]) / kGiB
                              : 0;
        if (p.mode == Name(StreamMode::kOnDemand)) {
          od_gb += gb;
        } else {
          prov_gb += gb;
          prov_shard_hours += p.shard_hours;
        }
      }
      if (ReadsWithEnhancedFanOut(spec)) {
        b.Add(PriceDimension::kKdsEfoConsumerShardHour, prov_shard_hours, spec.name);
        b.Add(PriceDimension::kKdsEfoGb, prov_gb, spec.name);
        b.Add(PriceDimension::kKdsOnDemandEfoGb, od_gb, spec.name);
      } else if (SharesReadLimits(spec)) {
        b.Add(PriceDimension::kKdsOnDemandRetrievalGb, od_gb, spec.name);
      }
    } else if (ReadsWithEnhancedFanOut(spec)) {
      if (!on_demand) b.Add(PriceDimension::kKdsEfoConsumerShardHour, shard_hours, spec.name);
      b.Add(on_demand ? PriceDimension::kKdsOnDemandEfoGb : PriceDimension::kKdsEfoGb, gb_read,
            spec.name);
    } else if (on_demand && SharesReadLimits(spec)) {
      b.Add(PriceDimension::kKdsOnDemandRetrievalGb, gb_read, spec.name);
    }
    if (spec.type == ConsumerType::kKcl) {
      b.Add(PriceDimension::kDynamoDbWriteRequest, static_cast<double>(c.lease_table_writes),
            spec.name);
    }
    if (c.lambda) {
      b.Add(PriceDimension::kLambdaRequest, static_cast<double>(c.lambda->requests), spec.name);
      b.Add(c.lambda->architecture == "arm64" ? PriceDimension::kLambdaGbSecondArm
                                              : PriceDimension::kLambdaGbSecondX86,
            c.lambda->gb_seconds, spec.name);
    }
    if (c.firehose) {
      const FirehoseResult& f = *c.firehose;
      b.Add(PriceDimension::kFirehoseIngestGb, f.ingested_gb_billed, spec.name);
      b.Add(PriceDimension::kFirehoseFormatConversionGb, f.format_conversion_gb, spec.name);
      b.Add(PriceDimension::kFirehoseDynamicPartitioningGb, f.dynamic_partitioning_gb, spec.name);
      if (spec.firehose.dynamic_partitioning.enabled) {
        b.Add(PriceDimension::kFirehoseDynamicPartitioningObject,
              static_cast<double>(f.objects_written), spec.name);
      }
      b.Add(PriceDimension::kS3PutRequest, static_cast<double>(f.s3_put_requests), spec.name);
    }
  }
}

}  // namespace shardsim
