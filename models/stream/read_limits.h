// Per-shard read limits of shared-throughput (GetRecords) readers, fact sheet 2: a shard serves
// get_records_per_sec calls in any trailing second and bytes_per_sec of data, shared by every
// polling reader of the shard; a response of max_bytes_per_call throttles the shard's reads for
// `penalty`, and a call that finds the byte budget spent throttles them for the next second.
// Decisions are functions of (spec, state, now) so tests can drive them without the kernel.
// Invariant: a state's call ring holds admitted call times in non-decreasing order.
// Not thread-safe: one SharedReadLimits per stream and simulation.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/spec/scenario.h"
#include "sim/metrics.h"
#include "sim/time.h"

namespace shardsim {

// Why a GetRecords call was refused (ReadProvisionedThroughputExceeded).
enum class ReadThrottle : uint8_t {
  kNone = 0,
  kCallRate,  // get_records_per_sec calls already admitted in the trailing second
  kBytes,     // the shard's byte budget is spent (or was within the last second)
  kPenalty,   // within `penalty` after a response of max_bytes_per_call
};
inline constexpr int kReadThrottleKinds = 4;
std::string_view ReadThrottleName(ReadThrottle t);

// One shard's read-limit state. Plain data; ReadLimiter interprets it.
struct ShardReadState {
  std::vector<int64_t> call_ns;  // ring of the last get_records_per_sec admitted call times
  uint32_t next_call = 0;        // ring slot of the oldest admitted call
  uint32_t calls_seen = 0;       // admitted calls so far, saturating at the ring size
  // Byte budget as a token bucket one second deep, kept as the time at which every byte read so
  // far is paid for at bytes_per_sec: the bucket is full when paid_ns <= now and empty when
  // paid_ns >= now + 1 s. Integer and exact, unlike a floating-point token count.
  int64_t paid_ns = 0;
  int64_t throttled_until_ns = 0;  // calls before this are refused with `throttled_by`
  ReadThrottle throttled_by = ReadThrottle::kNone;
};

class ReadLimiter {
 public:
  // REQUIRES: spec as the loader checks it (all limits >= 1).
  explicit ReadLimiter(const ReadLimitsSpec& spec);

  ShardReadState NewState() const;

  // Decides a call at `now`: kNone admits it (and counts it against the call rate); anything else
  // refuses it, and a refusal by the byte budget throttles the shard for the next second.
  // REQUIRES: now never decreases between calls on one state.
  ReadThrottle Admit(ShardReadState& s, SimTime now) const;
  // Charges an admitted call's response. A response that filled max_bytes_per_call (`capped`:
  // more records were waiting) or reached it starts the penalty. REQUIRES: the call was admitted
  // at or before `now`.
  void Charge(ShardReadState& s, SimTime now, uint64_t bytes, bool capped = false) const;

  const ReadLimitsSpec& spec() const { return spec_; }

 private:
  ReadLimitsSpec spec_;
};

// The read limits of every shard of one stream, shared by all its polling readers (plain pollers,
// KCL applications, Lambda and Firehose pollers), with per-shard counts.
class SharedReadLimits {
 public:
  struct ShardCounts {
    uint64_t calls = 0;  // admitted GetRecords calls
    uint64_t bytes = 0;  // bytes those calls returned
    uint64_t throttled[kReadThrottleKinds] = {};
  };

  SharedReadLimits(const ReadLimitsSpec& spec, size_t shards);
  SharedReadLimits(const SharedReadLimits&) = delete;
  SharedReadLimits& operator=(const SharedReadLimits&) = delete;

  // Resharding added shards: states for shard indexes up to `shards` (indexes are never reused;
  // a shard's state is fresh, with no calls and an empty byte bucket behind it).
  void Grow(size_t shards);

  ReadThrottle Admit(uint32_t shard, SimTime now) {
    const ReadThrottle t = limiter_.Admit(states_[shard], now);
    ShardCounts& c = counts_[shard];
    if (t == ReadThrottle::kNone) {
      ++c.calls;
    } else {
      ++c.throttled[static_cast<int>(t)];
    }
    return t;
  }
  void Charge(uint32_t shard, SimTime now, uint64_t bytes, bool capped) {
    limiter_.Charge(states_[shard], now, bytes, capped);
    counts_[shard].bytes += bytes;
  }

  // Polling applications that read each shard: for findings ("N applications share 5 calls/s").
  void AddReader(uint32_t shard) { ++readers_[shard]; }
  uint32_t readers(uint32_t shard) const { return readers_[shard]; }

  const ShardCounts& counts(uint32_t shard) const { return counts_[shard]; }
  size_t shard_count() const { return states_.size(); }
  const ReadLimitsSpec& spec() const { return limiter_.spec(); }

  // Publishes "<prefix>/ReadProvisionedThroughputExceeded" (sim/metrics.h): per shard, the
  // GetRecords calls refused so far (every kind). Running totals only, no windows: CloudWatch's
  // minutes difference them. REQUIRES: once, before the run; outlives the registry's reads.
  void PublishMetrics(MetricsRegistry& registry, std::string_view prefix) const;

 private:
  ReadLimiter limiter_;
  std::vector<ShardReadState> states_;
  std::vector<ShardCounts> counts_;
  std::vector<uint32_t> readers_;
};

}  // namespace shardsim
