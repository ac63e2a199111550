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
  Stream(const StreamSpec& spec, SimDuration series_interval);
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
  WriteLimit Put(uint32_t shard, SimTime now, int64_t bytes) { return Put(shard, At(now), bytes); }

  // Offers one Kinesis record of `bytes` (data + partition key) to shard `shard` (a ShardMap
  // index of an open shard) at `at`, and accounts for it. REQUIRES: time never decreases.
  WriteLimit Put(uint32_t shard, const Instant& at, int64_t bytes) {
    ShardStats& s = shards_[shard];
    if (at.second != s.second) CloseSecond(s, at.second);
    if (at.window != s.window) CloseWindow(s, at.window);
    if (at.second != stream_second_) RollStream(at.second);
    ++stream_sec_offered_records_;
    stream_sec_offered_bytes_ += bytes;
    ++s.sec_offered_records;
    s.sec_offered_bytes += bytes;
    ++s.offered;
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
  double peak_offered_records_per_s() const { return static_cast<double>(peak_stream_records_); }
  double peak_offered_bytes_per_s() const { return static_cast<double>(peak_stream_bytes_); }

 private:
  struct Window {
    uint32_t records;
    uint32_t throttled;
    int64_t bytes;
  };
  struct ShardStats {
    WriteAdmissionState admission;
    uint64_t records_in = 0, bytes_in = 0, offered = 0;
    uint64_t throttled = 0, throttled_by_records = 0, throttled_by_bytes = 0;
    // The current one-second window (peaks) and the current series window.
    int64_t second = 0;
    int64_t sec_records = 0, sec_bytes = 0, sec_offered_records = 0, sec_offered_bytes = 0;
    int64_t peak_records = 0, peak_bytes = 0, peak_offered_records = 0, peak_offered_bytes = 0;
    int64_t window = 0;
    uint32_t win_records = 0, win_throttled = 0;
    int64_t win_bytes = 0;
    std::vector<Window> series;
  };

  void RollStream(int64_t sec) {
    peak_stream_records_ = std::max(peak_stream_records_, stream_sec_offered_records_);
    peak_stream_bytes_ = std::max(peak_stream_bytes_, stream_sec_offered_bytes_);
    stream_sec_offered_records_ = stream_sec_offered_bytes_ = 0;
    stream_second_ = sec;
  }
  static void CloseSecond(ShardStats& s, int64_t next_second);
  static void CloseWindow(ShardStats& s, int64_t next_window);

  StreamSpec spec_;
  ShardMap map_;
  WriteAdmitter admitter_;
  int64_t series_ns_;
  std::vector<ShardStats> shards_;  // by ShardMap index
  int64_t stream_second_ = 0;
  int64_t stream_sec_offered_records_ = 0, stream_sec_offered_bytes_ = 0;
  int64_t peak_stream_records_ = 0, peak_stream_bytes_ = 0;
};

}  // namespace shardsim
