// AnalyzeRun: the findings of a finished run, in a fixed order. See analyze.h.
#include "analysis/analyze.h"

#include <algorithm>
#include <utility>

#include "analysis/autoscaling_findings.h"
#include "analysis/capacity_findings.h"
#include "analysis/cost/cost_findings.h"
#include "analysis/read_findings.h"
#include "analysis/reshard_findings.h"
#include "analysis/slo_check.h"
#include "analysis/write_findings.h"

namespace shardsim {
namespace {

void Subtract(uint64_t* total, uint64_t warmup) { *total -= std::min(*total, warmup); }

// The run as its findings and objectives judge it: the counts a start-up inflates -- write and
// read throttles, retries, drops, duplicates, timeouts -- without what happened during the
// warm-up. Volumes (records produced, stored, processed) and the duration stay whole, so rates
// derived from them keep their meaning; peaks and latencies already start at the warm-up.
void SubtractWarmup(const WarmupCounts& w, RunResult* r) {
  for (size_t i = 0; i < r->producers.size() && i < w.producers.size(); ++i) {
    ProducerResult& p = r->producers[i];
    const ProducerResult& q = w.producers[i];
    Subtract(&p.records_throttled, q.records_throttled);
    Subtract(&p.records_retried, q.records_retried);
    Subtract(&p.records_dropped, q.records_dropped);
    Subtract(&p.records_oversized, q.records_oversized);
    Subtract(&p.duplicates, q.duplicates);
    Subtract(&p.calls_timed_out, q.calls_timed_out);
  }
  for (ShardResult& s : r->shards) {
    for (const ShardResult& q : w.shards) {
      if (q.index != s.index) continue;
      Subtract(&s.records_offered, q.records_offered);
      Subtract(&s.throttled_records, q.throttled_records);
      Subtract(&s.throttled_by_records_limit, q.throttled_by_records_limit);
      Subtract(&s.throttled_by_bytes_limit, q.throttled_by_bytes_limit);
    }
  }
  for (size_t i = 0; i < r->consumers.size() && i < w.consumers.size(); ++i) {
    ConsumerResult& c = r->consumers[i];
    const ConsumerResult& q = w.consumers[i];
    Subtract(&c.get_records_calls, q.get_records_calls);
    Subtract(&c.read_throttles, q.read_throttles);
    Subtract(&c.read_throttles_by_call_rate, q.read_throttles_by_call_rate);
    Subtract(&c.read_throttles_by_bytes, q.read_throttles_by_bytes);
    Subtract(&c.read_throttles_by_penalty, q.read_throttles_by_penalty);
    for (ConsumerShardResult& cs : c.shards) {
      for (const ConsumerShardResult& qs : q.shards) {
        if (qs.shard_id == cs.shard_id) Subtract(&cs.read_throttles, qs.read_throttles);
      }
    }
  }
}

void AddFindings(const Scenario& scenario, const ShardMap& map, const std::vector<KeyUsage>& usage,
                 const PriceTable* prices, const std::vector<SeriesTable>& series,
                 const std::vector<WhatIfRun>& what_ifs, RunResult* result) {
  RunResult& r = *result;
  AddWritePathFindings(scenario, map, usage, &r);
  if (!scenario.consumers.empty()) {
    AddReadPathFindings(scenario, &r);
    // Fewer shards is no advice while a consumer cannot keep up with the ones there are.
    const bool readers_behind =
        std::any_of(r.findings.begin(), r.findings.end(), [](const Finding& f) {
          return f.kind == FindingKind::kIteratorAgeGrowing ||
                 f.kind == FindingKind::kRecordsExpired;
        });
    if (readers_behind) {
      std::erase_if(r.findings,
                    [](const Finding& f) { return f.kind == FindingKind::kOverProvisioned; });
    }
  }
  AddReshardFindings(scenario, &r);
  AddAutoscalingFindings(scenario, what_ifs, &r);
  if (prices != nullptr) AddCostFindings(scenario, *prices, &r);
  AddCapacityModeFindings(scenario, prices, series, &r);
  AddSloFindings(scenario, &r);
}

}  // namespace

void PriceResult(const PriceTable* prices, const std::string& unpriced_note, RunResult* result) {
  if (prices != nullptr && result->duration_s > 0) {
    result->cost = PriceRun(result->billing, result->duration_s / 3600, *prices);
  } else {
    CostResult unpriced;
    if (!unpriced_note.empty()) unpriced.notes.push_back(unpriced_note);
    result->cost = std::move(unpriced);
  }
}

void AnalyzeRun(const Scenario& scenario, const PriceTable* prices,
                const std::string& unpriced_note, RunOutput* out) {
  RunResult& r = out->result;
  // The cost covers the whole run: the warm-up's traffic is billed too.
  PriceResult(prices, unpriced_note, &r);
  MeasureAroundOperations(&r);
  if (!out->warmup) {
    AddFindings(scenario, out->final_map, out->usage, prices, r.series, out->what_ifs, &r);
    return;
  }
  // Judge a copy without the warm-up's counts (the series, which the rules do not read, stay).
  std::vector<SeriesTable> series = std::move(r.series);
  r.series.clear();
  RunResult measured = r;
  r.series = std::move(series);
  SubtractWarmup(*out->warmup, &measured);
  AddFindings(scenario, out->final_map, out->usage, prices, r.series, out->what_ifs, &measured);
  r.findings = std::move(measured.findings);
}

}  // namespace shardsim
