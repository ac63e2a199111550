// ProducerCounters: what a producer group counts, shared by the PutRecord(s) and the KPL models,
// and its conversion to the ProducerResult contract. Plain data; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "models/result/run_result.h"
#include "models/result/summarize.h"
#include "models/spec/scenario.h"
#include "sim/metrics.h"
#include "sim/stats.h"

namespace shardsim {

struct ProducerCounters {
  // User records unless named otherwise.
  uint64_t produced = 0, accepted = 0, throttled = 0, retried = 0, dropped = 0;
  uint64_t oversized = 0, duplicates = 0, calls = 0, calls_timed_out = 0;
  uint64_t kinesis_sent = 0, kinesis_accepted = 0;  // Kinesis records (aggregates for the KPL)
  uint64_t bytes_accepted = 0, in_flight_at_end = 0;
  LogHistogram put_latency_ns;     // per call, from send to response or timeout
  LogHistogram record_latency_ns;  // per accepted record, from creation to acceptance

  ProducerResult Result(const ProducerSpec& spec, std::string api) const {
    ProducerResult r;
    r.name = spec.name;
    r.api = std::move(api);
    r.instances = spec.instances;
    r.records_produced = produced;
    r.records_accepted = accepted;
    r.records_throttled = throttled;
    r.records_retried = retried;
    r.records_dropped = dropped;
    r.records_oversized = oversized;
    r.records_in_flight = in_flight_at_end;
    r.duplicates = duplicates;
    r.calls = calls;
    r.calls_timed_out = calls_timed_out;
    r.kinesis_records_sent = kinesis_sent;
    r.kinesis_records_accepted = kinesis_accepted;
    r.bytes_accepted = bytes_accepted;
    r.put_latency = SummarizeNanos(put_latency_ns);
    r.record_latency = SummarizeNanos(record_latency_ns);
    r.record_latency_histogram = ToSparseHistogram(record_latency_ns, "ns");
    return r;
  }
};

// Publishes a group's running totals (sim/metrics.h; one row, no windows: a producer keeps no
// series) as "producer/<name>/<metric>": RecordsProduced (user records), PutRecords.TotalRecords
// and PutRecords.SuccessfulRecords (Kinesis records sent and accepted, aggregates for the KPL),
// PutRecords.ThrottledRecords (user records) and PutRecords.Bytes (accepted). REQUIRES: once, at
// Start; `n` outlives the registry's reads (producer_model.cc).
void PublishProducerCounters(MetricsRegistry& registry, std::string_view name,
                             const ProducerCounters& n);

}  // namespace shardsim
