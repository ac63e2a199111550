// ReadLimiter: call-rate ring, byte bucket kept as a paid-through time, penalties. See
// read_limits.h.
#include "models/stream/read_limits.h"

#include <algorithm>
#include <string>

#include "sim/check.h"
#include "sim/rng.h"

namespace shardsim {
namespace {
constexpr int64_t kSecondNs = 1'000'000'000;
}  // namespace

std::string_view ReadThrottleName(ReadThrottle t) {
  switch (t) {
    case ReadThrottle::kNone:
      return "none";
    case ReadThrottle::kCallRate:
      return "calls per second";
    case ReadThrottle::kBytes:
      return "bytes per second";
    case ReadThrottle::kPenalty:
      return "10 MiB response penalty";
  }
  return "?";
}

ReadLimiter::ReadLimiter(const ReadLimitsSpec& spec) : spec_(spec) {
  SHARDSIM_CHECK(spec.get_records_per_sec >= 1 && spec.bytes_per_sec >= 1 &&
                 spec.max_bytes_per_call >= 1);
}

ShardReadState ReadLimiter::NewState() const {
  ShardReadState s;
  s.call_ns.assign(static_cast<size_t>(spec_.get_records_per_sec), 0);
  return s;
}

ReadThrottle ReadLimiter::Admit(ShardReadState& s, SimTime now) const {
  const int64_t t = now.nanos();
  if (t < s.throttled_until_ns) return s.throttled_by;
  const auto ring = static_cast<uint32_t>(s.call_ns.size());
  // Trailing second (t - 1 s, t]: full when the oldest of the last `ring` calls is inside it.
  // Only the excess call is refused; AWS's "next 1 second" rule is applied to the byte budget.
  if (s.calls_seen == ring && s.call_ns[s.next_call] > t - kSecondNs) {
    return ReadThrottle::kCallRate;
  }
  // Budget spent: everything read so far is paid for only a second or more from now. AWS then
  // refuses calls "in the next 1 second" (fact sheet 2), for every reader of the shard.
  if (s.paid_ns >= t + kSecondNs) {
    s.throttled_until_ns = t + kSecondNs;
    s.throttled_by = ReadThrottle::kBytes;
    return ReadThrottle::kBytes;
  }
  s.call_ns[s.next_call] = t;
  s.next_call = s.next_call + 1 == ring ? 0 : s.next_call + 1;
  if (s.calls_seen < ring) ++s.calls_seen;
  return ReadThrottle::kNone;
}

void ReadLimiter::Charge(ShardReadState& s, SimTime now, uint64_t bytes, bool capped) const {
  const int64_t t = now.nanos();
  // bytes * 1e9 / rate, rounded up so a budget is never overspent by rounding.
  const Uint128 scaled = static_cast<Uint128>(bytes) * static_cast<uint64_t>(kSecondNs);
  const auto rate = static_cast<uint64_t>(spec_.bytes_per_sec);
  const auto cost_ns = static_cast<int64_t>((scaled + rate - 1) / rate);
  s.paid_ns = std::max(s.paid_ns, t) + cost_ns;
  if (capped || bytes >= static_cast<uint64_t>(spec_.max_bytes_per_call)) {
    const int64_t until = t + spec_.penalty.nanos();
    if (until > s.throttled_until_ns) {
      s.throttled_until_ns = until;
      s.throttled_by = ReadThrottle::kPenalty;
    }
  }
}

SharedReadLimits::SharedReadLimits(const ReadLimitsSpec& spec, size_t shards) : limiter_(spec) {
  Grow(shards);
}

void SharedReadLimits::Grow(size_t shards) {
  while (states_.size() < shards) states_.push_back(limiter_.NewState());
  counts_.resize(std::max(counts_.size(), shards));
  readers_.resize(std::max(readers_.size(), shards), 0);
}

void SharedReadLimits::PublishMetrics(MetricsRegistry& registry, std::string_view prefix) const {
  static constexpr MetricView::Source kRefused = {
      [](const void* self) { return static_cast<const SharedReadLimits*>(self)->shard_count(); },
      [](const void*, size_t) { return size_t{0}; },
      [](const void*, size_t, size_t) { return 0.0; },
      [](const void* self, size_t row) {
        uint64_t n = 0;
        const auto shard = static_cast<uint32_t>(row);
        for (uint64_t t : static_cast<const SharedReadLimits*>(self)->counts(shard).throttled) {
          n += t;
        }
        return static_cast<double>(n);
      }};
  registry.Publish(std::string(prefix) + "/ReadProvisionedThroughputExceeded",
                   MetricView(kRefused, this, Seconds(1), SimTime::Zero(), MetricView::Fold::kSum));
}

}  // namespace shardsim
