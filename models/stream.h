// Stream: the write side of a Kinesis data stream -- its shards (ShardMap), per-shard admission
// against the 1 MiB/s and 1,000 records/s limits (fact sheet 1), and per-shard statistics:
// totals, one-second peaks of accepted and offered traffic, and a time series per shard.
// Producers call Put() for every Kinesis record inside their call-completion events (no event
// per record). Memory: O(shards x series windows), independent of records simulated.
// Not thread-safe (one per simulation).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/run_result.h"
#include "models/scenario.h"
#include "models/shard_map.h"
#include "models/write_admission.h"
#include "sim/time.h"

namespace shardsim {

class Stream {
 public:
  // Peaks ignore one-second windows that start before `warmup` (the warm-up of the scenario);
  // totals and series cover the whole run.
  Stream(const StreamSpec& spec, SimDuration series_interval,
         SimDuration warmup = SimDuration::Zero());
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  const StreamSpec& spec() const { return spec_; }
  const ShardMap& shard_map() const { return map_; }

  // The windows an instant falls in: computed once per call so that Put() divides nothing.
  struct Instant {
    SimTime now;
    int64_t second;  // one-second window (limits and peaks)
    int64_t window;  // series window
  };
  Instant At(SimTime now) const {
    return {now, now.nanos() / 1'000'000'000, now.nanos() / series_ns_};
  }

  // Convenience form for a single record at `now` (divides; prefer At() once per call).
  WriteLimit Put(uint32_t shard, SimTime now, int64_t bytes, bool first_attempt = true) {
    return Put(shard, At(now), bytes, first_attempt, now);
  }

  // Offers one Kinesis record of `bytes` (data + partition key) to shard `shard` (a ShardMap
  // index of an open shard) at `at`, and accounts for it. `first_attempt` is false for retries:
  // offered load counts every attempt (as CloudWatch's IncomingRecords + throttled do), demand
  // only first attempts (what producers need, for sizing), counted in the second the record was
  // created so that a producer's backlog does not look like a burst. REQUIRES: time never
  // decreases; created <= at.now.
  WriteLimit Put(uint32_t shard, const Instant& at, int64_t bytes, bool first_attempt,
                 SimTime created) {
    ShardStats& s = shards_[shard];
    if (at.second != s.second) CloseSecond(s, at.second);
    if (at.window != s.window) CloseWindow(s, at.window);
    ++s.sec_offered_records;
    s.sec_offered_bytes += bytes;
    ++s.offered;
    if (first_attempt) {
      const auto sec = static_cast<size_t>(created.nanos() / 1'000'000'000);
      if (sec >= demand_.size()) demand_.resize(sec + 1);
      ++demand_[sec].records;
      demand_[sec].bytes += bytes;
      ++s.first_attempts;
      ++s.sec_demand_records;
      s.sec_demand_bytes += bytes;
    }
    const WriteLimit r = admitter_.Admit(s.admission, at.now, at.second, bytes);
    if (r == WriteLimit::kNone) {
      ++s.records_in;
      s.bytes_in += static_cast<uint64_t>(bytes);
      ++s.sec_records;
      s.sec_bytes += bytes;
      ++s.win_records;
      s.win_bytes += bytes;
    } else {
      ++s.throttled;
      ++s.win_throttled;
      if (r == WriteLimit::kRecords) {
        ++s.throttled_by_records;
      } else {
        ++s.throttled_by_bytes;
      }
    }
    return r;
  }

  // Closes the last windows at the end of the run.
  void Finish(SimTime end);

  // One ShardResult per shard ever created (top_keys and expected_share left empty), and one
  // series table per shard: time_s, records_in, bytes_in, throttled_records per window.
  std::vector<ShardResult> ShardResults() const;
  std::vector<SeriesTable> ShardSeries() const;

  // Stream-wide figures for findings: totals, and the busiest second of offered traffic
  // (accepted + throttled) summed over all shards.
  uint64_t total_records_in() const;
  uint64_t total_throttled() const;
  // Busiest second of demand: first attempts by the second their records were created, summed
  // over all shards.
  double peak_demand_records_per_s() const;
  double peak_demand_bytes_per_s() const;

 private:
  struct Window {
    uint32_t records;
    uint32_t throttled;
    int64_t bytes;
  };
  // Fields touched per record first (three cache lines), then the cold peaks and series.
  struct ShardStats {
    WriteAdmissionState admission;
    int64_t second = 0;
    int64_t sec_records = 0, sec_bytes = 0, sec_offered_records = 0, sec_offered_bytes = 0;
    int64_t sec_demand_records = 0, sec_demand_bytes = 0;
    int64_t window = 0;
    uint32_t win_records = 0, win_throttled = 0;
    int64_t win_bytes = 0;
    uint64_t records_in = 0, bytes_in = 0, offered = 0, first_attempts = 0;
    uint64_t throttled = 0, throttled_by_records = 0, throttled_by_bytes = 0;
    int64_t peak_records = 0, peak_bytes = 0, peak_offered_records = 0, peak_offered_bytes = 0;
    int64_t peak_demand_records = 0, peak_demand_bytes = 0;
    std::vector<Window> series;
  };

  void CloseSecond(ShardStats& s, int64_t next_second) const;
  static void CloseWindow(ShardStats& s, int64_t next_window);

  StreamSpec spec_;
  ShardMap map_;
  WriteAdmitter admitter_;
  int64_t series_ns_;
  int64_t first_measured_second_;   // peaks count seconds from here (after the warm-up)
  std::vector<ShardStats> shards_;  // by ShardMap index
  struct Demand {
    int64_t records = 0;
    int64_t bytes = 0;
  };
  std::vector<Demand> demand_;  // by creation second: 16 bytes per simulated second
};

}  // namespace shardsim
