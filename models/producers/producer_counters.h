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
#include "sim/rng.h"
#include "sim/stats.h"
#include "sim/time.h"

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

// ---- End of run, shared by the producer models (not per record).
// Records of `records` still in flight: every one but the copies of records the stream already
// stored (flags & `stored_copy`: a retry's duplicate is counted once).
template <class Records>
uint64_t RecordsInFlight(const Records& records, uint8_t stored_copy) {
  uint64_t n = 0;
  for (const auto& r : records) n += (r.flags & stored_copy) ? 0 : 1;
  return n;
}

// The arrivals of an instance created before `end` but not drawn yet (producers draw them lazily,
// `in.has_next` while the next one is before the end): each is produced and in flight. Returns
// how many.
template <class Instance>
uint64_t DrawRemainingArrivals(Instance& in, Rng& rng, SimTime end, ProducerCounters* n) {
  uint64_t drawn = 0;
  while (in.has_next) {
    ++n->produced;
    ++drawn;
    in.has_next = in.arrivals->Next(rng) < end;
  }
  return drawn;
}

// Publishes a group's running totals (sim/metrics.h; one row, no windows: a producer keeps no
// series) as "producer/<name>/<metric>": RecordsProduced (user records), PutRecords.TotalRecords
// and PutRecords.SuccessfulRecords (Kinesis records sent and accepted, aggregates for the KPL),
// PutRecords.ThrottledRecords (user records) and PutRecords.Bytes (accepted). REQUIRES: once, at
// Start; `n` outlives the registry's reads (producer_model.cc).
void PublishProducerCounters(MetricsRegistry& registry, std::string_view name,
                             const ProducerCounters& n);

}  // namespace shardsim
