// Per-shard write admission: the 1 MiB/s and 1,000 records/s limits (fact sheet section 1). Two
// models, because the sub-second algorithm AWS uses is UNCONFIRMED: fixed one-second windows
// aligned to t = 0, and a token bucket per limit (refill = the limit, depth = bucket_depth_sec
// seconds of it). Records larger than the bytes limit (a stream whose max_record_size exceeds it)
// can fit no window: they are served from a burst bucket (large-records.html) that refills at the
// bytes limit, holds burst_bytes, and is drawn on by every admitted byte, so bursts average out to
// the sustained limit. Plain state + pure decision functions; exact integer arithmetic throughout.
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
  // Burst bucket for large records (WriteAdmitter with a max record size over the bytes limit).
  bool burst_primed = false;
  int64_t burst_refill_ns = 0;
  Uint128 burst_tokens = 0;  // nano-bytes
};

class WriteAdmitter {
 public:
  // `max_record_bytes`: the largest record the stream accepts; above limits.bytes_per_sec the
  // burst bucket is kept (0: never).
  explicit WriteAdmitter(const WriteLimitsSpec& limits, int64_t max_record_bytes = 0)
      : limits_(limits),
        depth_ns_(static_cast<Uint128>(std::llround(limits.bucket_depth_sec * 1e9))),
        record_depth_(depth_ns_ * static_cast<Uint128>(limits.records_per_sec)),
        byte_depth_(depth_ns_ * static_cast<Uint128>(limits.bytes_per_sec)),
        burst_(max_record_bytes > limits.bytes_per_sec),
        burst_depth_(static_cast<Uint128>(limits.burst_bytes) * kNano) {}

  // Decides one record of `bytes` (data + partition key) arriving at `now`, and consumes
  // capacity when admitted. When both limits would be exceeded the records limit is reported;
  // a large record refused by an empty burst bucket is refused by the bytes limit.
  WriteLimit Admit(WriteAdmissionState& s, SimTime now, int64_t bytes) const {
    return Admit(s, now, now.nanos() / 1'000'000'000, bytes);
  }
  // The same with the one-second window index of `now` computed by the caller.
  WriteLimit Admit(WriteAdmissionState& s, SimTime now, int64_t second, int64_t bytes) const {
    if (!burst_) [[likely]]
      return AdmitSustained(s, now, second, bytes);
    if (bytes > limits_.bytes_per_sec) return AdmitLarge(s, now, second, bytes);
    const WriteLimit r = AdmitSustained(s, now, second, bytes);
    if (r == WriteLimit::kNone) DrawBurst(s, now, bytes);
    return r;
  }

  const WriteLimitsSpec& limits() const { return limits_; }
  // Whether records over the bytes limit are served from the burst bucket.
  bool burst() const { return burst_; }

 private:
  static constexpr Uint128 kNano = 1'000'000'000;

  WriteLimit AdmitSustained(WriteAdmissionState& s, SimTime now, int64_t second,
                            int64_t bytes) const {
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
    const Uint128 byte_cost = static_cast<Uint128>(bytes) * kNano;
    if (s.record_tokens < kNano) return WriteLimit::kRecords;
    if (s.byte_tokens < byte_cost) return WriteLimit::kBytes;
    s.record_tokens -= kNano;
    s.byte_tokens -= byte_cost;
    return WriteLimit::kNone;
  }

  // A record over the bytes limit: one record of the records limit, and all its bytes from the
  // burst bucket (none from the window or the byte bucket, which it could never fit).
  WriteLimit AdmitLarge(WriteAdmissionState& s, SimTime now, int64_t second, int64_t bytes) const {
    if (limits_.admission == WriteAdmission::kWindow) {
      if (second != s.window) {
        s.window = second;
        s.records_used = 0;
        s.bytes_used = 0;
      }
      if (s.records_used + 1 > limits_.records_per_sec) return WriteLimit::kRecords;
    } else {
      Refill(s, now);
      if (s.record_tokens < kNano) return WriteLimit::kRecords;
    }
    RefillBurst(s, now);
    const Uint128 cost = static_cast<Uint128>(bytes) * kNano;
    if (s.burst_tokens < cost) return WriteLimit::kBytes;
    s.burst_tokens -= cost;
    if (limits_.admission == WriteAdmission::kWindow) {
      ++s.records_used;
    } else {
      s.record_tokens -= kNano;
    }
    return WriteLimit::kNone;
  }

  // An ordinary record admitted by the sustained limits uses burst capacity too (down to empty):
  // a shard writing at its limit has none left for large records.
  void DrawBurst(WriteAdmissionState& s, SimTime now, int64_t bytes) const {
    RefillBurst(s, now);
    const Uint128 cost = static_cast<Uint128>(bytes) * kNano;
    s.burst_tokens = s.burst_tokens > cost ? s.burst_tokens - cost : 0;
  }

  void RefillBurst(WriteAdmissionState& s, SimTime now) const {
    if (!s.burst_primed) {  // a new shard starts with a full burst bucket
      s.burst_primed = true;
      s.burst_tokens = burst_depth_;
      s.burst_refill_ns = now.nanos();
      return;
    }
    const int64_t dt = now.nanos() - s.burst_refill_ns;
    if (dt <= 0) return;
    s.burst_refill_ns = now.nanos();
    // Saturate before multiplying: a long idle time refills the bucket at most.
    const Uint128 rate = static_cast<Uint128>(limits_.bytes_per_sec);
    const Uint128 dt_full = std::min(static_cast<Uint128>(dt), burst_depth_ / rate + 1);
    s.burst_tokens = std::min(burst_depth_, s.burst_tokens + dt_full * rate);
  }

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
  bool burst_;
  Uint128 burst_depth_;  // nano-bytes
};

}  // namespace shardsim
