// The vocabulary of priced quantities, shared by price files (scenarios/prices/), a scenario's
// `pricing.overrides`, the models' billing counters and the result's cost items. One row per
// dimension: its name, the unit its quantity is counted in, and what it is (fact sheet 9).
// Constants only; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace shardsim {

enum class PriceDimension {
  kKdsShardHour,
  kKdsPutPayloadUnit,
  kKdsExtendedRetentionShardHour,
  kKdsLongTermRetentionGbMonth,
  kKdsLongTermRetrievalGb,
  kKdsEfoConsumerShardHour,
  kKdsEfoGb,
  kKdsOnDemandStreamHour,
  kKdsOnDemandIngestGb,
  kKdsOnDemandRetrievalGb,
  kKdsOnDemandEfoGb,
  kKdsOnDemandExtendedRetentionGbMonth,
  kKdsOnDemandLongTermRetentionGbMonth,
  kKdsEnhancedMonitoringMetricMonth,
  kLambdaRequest,
  kLambdaGbSecondX86,
  kLambdaGbSecondArm,
  kFirehoseIngestGb,
  kFirehoseFormatConversionGb,
  kFirehoseDynamicPartitioningGb,
  kFirehoseDynamicPartitioningObject,
  kS3PutRequest,
  kDynamoDbWriteRequest,
};

struct PriceDimensionInfo {
  PriceDimension dimension;
  std::string_view name;  // as written in price files, overrides and result.json
  std::string_view unit;  // what one unit of quantity is
  std::string_view what;  // one line for reports
};

inline constexpr std::array<PriceDimensionInfo, 23> kPriceDimensions = {{
    {PriceDimension::kKdsShardHour, "kds_shard_hour", "shard-hour",
     "provisioned shards, per open shard and hour"},
    {PriceDimension::kKdsPutPayloadUnit, "kds_put_payload_unit", "payload unit",
     "provisioned PUT payload units: each 25 KB chunk of a stored record"},
    {PriceDimension::kKdsExtendedRetentionShardHour, "kds_extended_retention_shard_hour",
     "shard-hour", "retention beyond 24 h (up to 7 days), per open shard and hour"},
    {PriceDimension::kKdsLongTermRetentionGbMonth, "kds_long_term_retention_gb_month", "GB-month",
     "data kept beyond 7 days"},
    {PriceDimension::kKdsLongTermRetrievalGb, "kds_long_term_retrieval_gb", "GB",
     "data read that was older than 7 days"},
    {PriceDimension::kKdsEfoConsumerShardHour, "kds_efo_consumer_shard_hour", "consumer-shard-hour",
     "enhanced fan-out, per registered consumer and open shard and hour"},
    {PriceDimension::kKdsEfoGb, "kds_efo_gb", "GB", "data pushed to enhanced fan-out consumers"},
    {PriceDimension::kKdsOnDemandStreamHour, "kds_on_demand_stream_hour", "stream-hour",
     "on-demand stream, per hour"},
    {PriceDimension::kKdsOnDemandIngestGb, "kds_on_demand_ingest_gb", "GB",
     "on-demand data in, each record rounded up to 1 KB"},
    {PriceDimension::kKdsOnDemandRetrievalGb, "kds_on_demand_retrieval_gb", "GB",
     "on-demand data read by GetRecords"},
    {PriceDimension::kKdsOnDemandEfoGb, "kds_on_demand_efo_gb", "GB",
     "on-demand data pushed to enhanced fan-out consumers"},
    {PriceDimension::kKdsOnDemandExtendedRetentionGbMonth,
     "kds_on_demand_extended_retention_gb_month", "GB-month",
     "on-demand data kept beyond 24 h (up to 7 days)"},
    {PriceDimension::kKdsOnDemandLongTermRetentionGbMonth,
     "kds_on_demand_long_term_retention_gb_month", "GB-month", "on-demand data kept beyond 7 days"},
    {PriceDimension::kKdsEnhancedMonitoringMetricMonth, "kds_enhanced_monitoring_metric_month",
     "metric-month", "shard-level CloudWatch metrics (enhanced monitoring)"},
    {PriceDimension::kLambdaRequest, "lambda_request", "request", "Lambda invocations"},
    {PriceDimension::kLambdaGbSecondX86, "lambda_gb_second_x86", "GB-second",
     "Lambda duration x memory, x86_64"},
    {PriceDimension::kLambdaGbSecondArm, "lambda_gb_second_arm", "GB-second",
     "Lambda duration x memory, arm64"},
    {PriceDimension::kFirehoseIngestGb, "firehose_ingest_gb", "GB",
     "Firehose ingestion, each record rounded up to 5 KB"},
    {PriceDimension::kFirehoseFormatConversionGb, "firehose_format_conversion_gb", "GB",
     "Firehose format conversion (JSON to Parquet/ORC), on the 5 KB-rounded GB"},
    {PriceDimension::kFirehoseDynamicPartitioningGb, "firehose_dynamic_partitioning_gb", "GB",
     "Firehose dynamic partitioning, data processed"},
    {PriceDimension::kFirehoseDynamicPartitioningObject, "firehose_dynamic_partitioning_object",
     "object", "Firehose dynamic partitioning, S3 objects delivered"},
    {PriceDimension::kS3PutRequest, "s3_put_request", "request",
     "S3 PUT requests of Firehose deliveries"},
    {PriceDimension::kDynamoDbWriteRequest, "dynamodb_write_request", "write request",
     "KCL lease-table writes (lease takes, renewals, checkpoints)"},
}};

inline const PriceDimensionInfo& Info(PriceDimension d) {
  return kPriceDimensions[static_cast<size_t>(d)];
}

inline std::optional<PriceDimension> PriceDimensionFromName(std::string_view name) {
  for (const PriceDimensionInfo& i : kPriceDimensions) {
    if (i.name == name) return i.dimension;
  }
  return std::nullopt;
}

}  // namespace shardsim
