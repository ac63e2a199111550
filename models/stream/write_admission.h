// Per-shard write admission: the 1 MiB/s and 1,000 records/s limits (fact sheet section 1). Two
// models, because the sub-second algorithm AWS uses is UNCONFIRMED: fixed one-second windows
// aligned to t = 0, and a token bucket per limit (refill = the limit, depth = bucket_depth_sec
// seconds of it). Plain state + pure decision functions; exact integer arithmetic throughout.
// Not thread-safe (one per shard).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "models/spec/scenario.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace shardsim {

// Which limit refused a record. kNone = admitted.
enum class WriteLimit : uint8_t { kNone, kRecords, kBytes };

// State of one shard's admission. Window: usage in the current second. Bucket: tokens scaled by
// 1e9 (nano-tokens), so refill over dt nanoseconds is exactly dt * rate; 128-bit, because depth
// (seconds) x 1e9 x rate (up to TiB/s) overflows 64 bits.
struct WriteAdmissionState {
  int64_t window = -1;  // index of the current one-second window
  int64_t records_used = 0;
  int64_t bytes_used = 0;
  Uint128 record_tokens = 0;  // nano-tokens
  Uint128 byte_tokens = 0;    // nano-tokens
  int64_t last_refill_ns = 0;
  bool primed = false;
};

class WriteAdmitter {
 public:
  explicit WriteAdmitter(const WriteLimitsSpec& limits)
      : limits_(limits),
        depth_ns_(static_cast<Uint128>(std::llround(limits.bucket_depth_sec * 1e9))),
        record_depth_(depth_ns_ * static_cast<Uint128>(limits.records_per_sec)),
        byte_depth_(depth_ns_ * static_cast<Uint128>(limits.bytes_per_sec)) {}

  // Decides one record of `bytes` (data + partition key) arriving at `now`, and consumes
  // capacity when admitted. When both limits would be exceeded the records limit is reported.
  WriteLimit Admit(WriteAdmissionState& s, SimTime now, int64_t bytes) const {
    return Admit(s, now, now.nanos() / 1'000'000'000, bytes);
  }
  // The same with the one-second window index of `now` computed by the caller.
  WriteLimit Admit(WriteAdmissionState& s, SimTime now, int64_t second, int64_t bytes) const {
    if (limits_.admission == WriteAdmission::kWindow) {
      const int64_t w = second;
      if (w != s.window) {
        s.window = w;
        s.records_used = 0;
        s.bytes_used = 0;
      }
      if (s.records_used + 1 > limits_.records_per_sec) return WriteLimit::kRecords;
      if (s.bytes_used + bytes > limits_.bytes_per_sec) return WriteLimit::kBytes;
      ++s.records_used;
      s.bytes_used += bytes;
      return WriteLimit::kNone;
    }
    Refill(s, now);
    constexpr Uint128 kNano = 1'000'000'000;
    const Uint128 byte_cost = static_cast<Uint128>(bytes) * kNano;
    if (s.record_tokens < kNano) return WriteLimit::kRecords;
    if (s.byte_tokens < byte_cost) return WriteLimit::kBytes;
    s.record_tokens -= kNano;
    s.byte_tokens -= byte_cost;
    return WriteLimit::kNone;
  }

  const WriteLimitsSpec& limits() const { return limits_; }

 private:
  void Refill(WriteAdmissionState& s, SimTime now) const {
    if (!s.primed) {  // a new shard starts with a full bucket
      s.primed = true;
      s.record_tokens = record_depth_;
      s.byte_tokens = byte_depth_;
      s.last_refill_ns = now.nanos();
      return;
    }
    const int64_t dt = now.nanos() - s.last_refill_ns;
    if (dt <= 0) return;
    s.last_refill_ns = now.nanos();
    // Past the depth's own time the bucket is full whatever dt is; and dt * rate in 128 bits:
    // 3,600 s of nanoseconds at 1 TiB/s is ~2^82.
    const Uint128 dt_full = std::min(static_cast<Uint128>(dt), depth_ns_ + 1);
    s.record_tokens = std::min(
        record_depth_, s.record_tokens + dt_full * static_cast<Uint128>(limits_.records_per_sec));
    s.byte_tokens = std::min(byte_depth_,
                             s.byte_tokens + dt_full * static_cast<Uint128>(limits_.bytes_per_sec));
  }

  WriteLimitsSpec limits_;
  Uint128 depth_ns_;
  Uint128 record_depth_;
  Uint128 byte_depth_;
};

}  // namespace shardsim
