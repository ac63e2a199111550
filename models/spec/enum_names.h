// The names of the scenario format's enums, spelled as scenarios/scenario.schema.json spells them:
// one constexpr table per enum, in the order "expected one of ..." messages list them. The loader
// reads enums through these tables and models and results print enums through Name(), so each
// spelling exists once. Constants and constexpr functions only; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "models/spec/scenario.h"

namespace shardsim {

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

// EnumNames<E>::kTable lists every value of E with its name. Specialised below for each enum of
// the format.
template <typename E>
struct EnumNames;

template <typename E>
concept NamedEnum = requires {
  EnumNames<E>::kTable;
};

template <>
struct EnumNames<LatencyDist> {
  static constexpr EnumName<LatencyDist> kTable[] = {{"fixed", LatencyDist::kFixed},
                                                     {"uniform", LatencyDist::kUniform},
                                                     {"exponential", LatencyDist::kExponential},
                                                     {"lognormal", LatencyDist::kLognormal}};
};
template <>
struct EnumNames<SizeDist> {
  static constexpr EnumName<SizeDist> kTable[] = {{"fixed", SizeDist::kFixed},
                                                  {"uniform", SizeDist::kUniform},
                                                  {"lognormal", SizeDist::kLognormal},
                                                  {"empirical", SizeDist::kEmpirical}};
};
template <>
struct EnumNames<ProcessingDist> {
  static constexpr EnumName<ProcessingDist> kTable[] = {{"fixed", ProcessingDist::kFixed},
                                                        {"lognormal", ProcessingDist::kLognormal}};
};
template <>
struct EnumNames<ArrivalProcess> {
  static constexpr EnumName<ArrivalProcess> kTable[] = {
      {"constant", ArrivalProcess::kConstant}, {"poisson", ArrivalProcess::kPoisson},
      {"diurnal", ArrivalProcess::kDiurnal},   {"steps", ArrivalProcess::kSteps},
      {"bursts", ArrivalProcess::kBursts},     {"trace", ArrivalProcess::kTrace}};
};
template <>
struct EnumNames<StartPhase> {
  static constexpr EnumName<StartPhase> kTable[] = {{"random", StartPhase::kRandom},
                                                    {"aligned", StartPhase::kAligned}};
};
template <>
struct EnumNames<TraceResolution> {
  static constexpr EnumName<TraceResolution> kTable[] = {{"1s", TraceResolution::kSecond},
                                                         {"1min", TraceResolution::kMinute}};
};
template <>
struct EnumNames<KeyDist> {
  static constexpr EnumName<KeyDist> kTable[] = {
      {"uniform", KeyDist::kUniform}, {"zipf", KeyDist::kZipf},
      {"hot_key", KeyDist::kHotKey},  {"weighted", KeyDist::kWeighted},
      {"random", KeyDist::kRandom},   {"explicit_hash_key", KeyDist::kExplicitHashKey}};
};
template <>
struct EnumNames<ApiType> {
  static constexpr EnumName<ApiType> kTable[] = {{"PutRecord", ApiType::kPutRecord},
                                                 {"PutRecords", ApiType::kPutRecords},
                                                 {"KPL", ApiType::kKpl}};
};
template <>
struct EnumNames<Jitter> {
  static constexpr EnumName<Jitter> kTable[] = {{"none", Jitter::kNone},
                                                {"full", Jitter::kFull},
                                                {"equal", Jitter::kEqual},
                                                {"decorrelated", Jitter::kDecorrelated}};
};
template <>
struct EnumNames<StreamMode> {
  static constexpr EnumName<StreamMode> kTable[] = {{"provisioned", StreamMode::kProvisioned},
                                                    {"on_demand", StreamMode::kOnDemand}};
};
template <>
struct EnumNames<WriteAdmission> {
  static constexpr EnumName<WriteAdmission> kTable[] = {
      {"window", WriteAdmission::kWindow}, {"token_bucket", WriteAdmission::kTokenBucket}};
};
template <>
struct EnumNames<ReshardAction> {
  static constexpr EnumName<ReshardAction> kTable[] = {
      {"split", ReshardAction::kSplit},
      {"merge", ReshardAction::kMerge},
      {"update_shard_count", ReshardAction::kUpdateShardCount},
      {"update_stream_mode", ReshardAction::kUpdateStreamMode}};
};
template <>
struct EnumNames<IfUpdating> {
  static constexpr EnumName<IfUpdating> kTable[] = {{"refuse", IfUpdating::kRefuse},
                                                    {"wait", IfUpdating::kWait}};
};
template <>
struct EnumNames<ScalingMetric> {
  static constexpr EnumName<ScalingMetric> kTable[] = {
      {"incoming_bytes", ScalingMetric::kIncomingBytes},
      {"incoming_records", ScalingMetric::kIncomingRecords},
      {"write_throttled_records", ScalingMetric::kWriteThrottledRecords},
      {"iterator_age", ScalingMetric::kIteratorAge}};
};
template <>
struct EnumNames<ScalingPolicy> {
  static constexpr EnumName<ScalingPolicy> kTable[] = {
      {"target_tracking", ScalingPolicy::kTargetTracking},
      {"step", ScalingPolicy::kStep},
      {"split_merge", ScalingPolicy::kSplitMerge}};
};
template <>
struct EnumNames<ScalingComparison> {
  static constexpr EnumName<ScalingComparison> kTable[] = {{"above", ScalingComparison::kAbove},
                                                           {"below", ScalingComparison::kBelow}};
};
template <>
struct EnumNames<ConsumerType> {
  static constexpr EnumName<ConsumerType> kTable[] = {{"polling", ConsumerType::kPolling},
                                                      {"kcl", ConsumerType::kKcl},
                                                      {"efo", ConsumerType::kEfo},
                                                      {"lambda", ConsumerType::kLambda},
                                                      {"firehose", ConsumerType::kFirehose}};
};
template <>
struct EnumNames<StartingPositionType> {
  static constexpr EnumName<StartingPositionType> kTable[] = {
      {"LATEST", StartingPositionType::kLatest},
      {"TRIM_HORIZON", StartingPositionType::kTrimHorizon},
      {"AT_TIMESTAMP", StartingPositionType::kAtTimestamp}};
};
template <>
struct EnumNames<LambdaSource> {
  static constexpr EnumName<LambdaSource> kTable[] = {{"polling", LambdaSource::kPolling},
                                                      {"efo", LambdaSource::kEfo}};
};
template <>
struct EnumNames<LambdaArchitecture> {
  static constexpr EnumName<LambdaArchitecture> kTable[] = {{"x86_64", LambdaArchitecture::kX86_64},
                                                            {"arm64", LambdaArchitecture::kArm64}};
};
template <>
struct EnumNames<OnFailureDestination> {
  static constexpr EnumName<OnFailureDestination> kTable[] = {{"none", OnFailureDestination::kNone},
                                                              {"sqs", OnFailureDestination::kSqs},
                                                              {"sns", OnFailureDestination::kSns},
                                                              {"s3", OnFailureDestination::kS3}};
};
template <>
struct EnumNames<FirehoseSource> {
  static constexpr EnumName<FirehoseSource> kTable[] = {{"stream", FirehoseSource::kStream},
                                                        {"direct_put", FirehoseSource::kDirectPut}};
};
template <>
struct EnumNames<CompressionCodec> {
  static constexpr EnumName<CompressionCodec> kTable[] = {
      {"none", CompressionCodec::kNone},
      {"gzip", CompressionCodec::kGzip},
      {"zip", CompressionCodec::kZip},
      {"snappy", CompressionCodec::kSnappy},
      {"hadoop_snappy", CompressionCodec::kHadoopSnappy}};
};
template <>
struct EnumNames<OutputFormat> {
  static constexpr EnumName<OutputFormat> kTable[] = {{"parquet", OutputFormat::kParquet},
                                                      {"orc", OutputFormat::kOrc}};
};
template <>
struct EnumNames<DestinationType> {
  static constexpr EnumName<DestinationType> kTable[] = {{"s3", DestinationType::kS3}};
};

template <NamedEnum E>
constexpr std::span<const EnumName<E>> NameTable() {
  return EnumNames<E>::kTable;
}

// The name of `value` in the format ("?" for a value outside the table, which is a bug).
template <NamedEnum E>
constexpr std::string_view Name(E value) {
  for (const EnumName<E>& e : NameTable<E>()) {
    if (e.value == value) return e.name;
  }
  return "?";
}

// The value named `name` (exact spelling), if any.
template <NamedEnum E>
constexpr std::optional<E> FromName(std::string_view name) {
  for (const EnumName<E>& e : NameTable<E>()) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

// The AWS API's spelling of a stream mode (StreamModeDetails.StreamMode), which result.json
// shows: "PROVISIONED" or "ON_DEMAND".
constexpr std::string_view ApiName(StreamMode mode) {
  return mode == StreamMode::kProvisioned ? "PROVISIONED" : "ON_DEMAND";
}

}  // namespace shardsim
