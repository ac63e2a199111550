// SimTime and SimDuration: simulated time as a signed 64-bit count of nanoseconds.
// Range trade-off: int64 nanoseconds span +-292 years, far beyond any run, while keeping exact
// integer arithmetic (no floating-point drift, so runs are bit-reproducible). The event queue
// further reserves 3 bits for the phase, so scheduled times must lie in [0, 2^61 ns) ~ 73 years.
// Sub-nanosecond effects are not representable; nothing in the models needs them.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace shardsim {

class SimDuration {
 public:
  constexpr SimDuration() = default;
  static constexpr SimDuration Nanos(int64_t ns) { return SimDuration(ns); }
  static constexpr SimDuration Micros(int64_t us) { return SimDuration(us * 1'000); }
  static constexpr SimDuration Millis(int64_t ms) { return SimDuration(ms * 1'000'000); }
  static constexpr SimDuration Seconds(int64_t s) { return SimDuration(s * 1'000'000'000); }
  static constexpr SimDuration Minutes(int64_t m) { return Seconds(m * 60); }
  static constexpr SimDuration Hours(int64_t h) { return Seconds(h * 3600); }
  // Rounds to the nearest nanosecond. REQUIRES: finite and within range.
  static SimDuration FromSeconds(double s) { return SimDuration(std::llround(s * 1e9)); }
  static constexpr SimDuration Zero() { return SimDuration(0); }
  static constexpr SimDuration Max() { return SimDuration(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t nanos() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
  constexpr double millis() const { return static_cast<double>(ns_) * 1e-6; }

  constexpr auto operator<=>(const SimDuration&) const = default;
  constexpr SimDuration operator+(SimDuration o) const { return SimDuration(ns_ + o.ns_); }
  constexpr SimDuration operator-(SimDuration o) const { return SimDuration(ns_ - o.ns_); }
  constexpr SimDuration operator*(int64_t k) const { return SimDuration(ns_ * k); }
  constexpr SimDuration& operator+=(SimDuration o) {
    ns_ += o.ns_;
    return *this;
  }

 private:
  constexpr explicit SimDuration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

class SimTime {
 public:
  constexpr SimTime() = default;
  static constexpr SimTime FromNanos(int64_t ns) { return SimTime(ns); }
  static constexpr SimTime Zero() { return SimTime(0); }
  static constexpr SimTime Max() { return SimTime(std::numeric_limits<int64_t>::max()); }
  static constexpr SimTime Seconds(int64_t s) { return SimTime(s * 1'000'000'000); }
  static constexpr SimTime Millis(int64_t ms) { return SimTime(ms * 1'000'000); }

  constexpr int64_t nanos() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  constexpr auto operator<=>(const SimTime&) const = default;
  constexpr SimTime operator+(SimDuration d) const { return SimTime(ns_ + d.nanos()); }
  constexpr SimTime operator-(SimDuration d) const { return SimTime(ns_ - d.nanos()); }
  constexpr SimDuration operator-(SimTime o) const { return SimDuration::Nanos(ns_ - o.ns_); }
  constexpr SimTime& operator+=(SimDuration d) {
    ns_ += d.nanos();
    return *this;
  }

 private:
  constexpr explicit SimTime(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

// "Never" as a nanosecond time: later than every SimTime. Deadlines and wake times that are
// not set hold it.
inline constexpr int64_t kNeverNs = std::numeric_limits<int64_t>::max();

constexpr SimDuration Nanos(int64_t v) { return SimDuration::Nanos(v); }
constexpr SimDuration Micros(int64_t v) { return SimDuration::Micros(v); }
constexpr SimDuration Millis(int64_t v) { return SimDuration::Millis(v); }
constexpr SimDuration Seconds(int64_t v) { return SimDuration::Seconds(v); }
constexpr SimDuration Minutes(int64_t v) { return SimDuration::Minutes(v); }
constexpr SimDuration Hours(int64_t v) { return SimDuration::Hours(v); }

}  // namespace shardsim
