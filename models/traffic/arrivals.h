// Producer arrivals. RateProfile: a producer group's total record rate over [0, run duration) as
// piecewise-constant segments (one cycle stored, repeated when periodic; 0 from the run duration
// on). ArrivalGenerator: the record creation times of one instance with a share of that rate.
// A RateProfile is immutable after building and may be shared by threads; a generator is not
// thread-safe (one per instance, a few words, holding the profile by pointer).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/spec/scenario.h"
#include "models/spec/units.h"
#include "sim/random.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace shardsim {

// How each ArrivalProcess becomes segments:
//   constant, poisson  one segment at records_per_sec.
//   steps              records_per_sec until the first step, then each step's rate.
//   bursts             cycles of burst_on at burst_records_per_sec, then burst_off at
//                      records_per_sec.
//   diurnal            1-minute segments (relative to each period's start; the last one of a period
//                      is shorter when the period is not whole minutes) whose rate is the exact
//                      integral of the sinusoid over the segment divided by its length, so the
//                      expected count of every segment, and of every [a, b) on the segment grid,
//                      is exact; within a minute the rate is flat (with a 24 h period a minute is
//                      1/1440 of the cycle).
//   trace              one segment per CSV row (1 s or 1 min); looped when trace_loop, else rate
//                      0 after the last row. records_per_sec is ignored (the trace has the rate).
// Trace CSV: a header row; columns `records` (count per row) or `records_per_s`, optional `bytes`
// (per row) or `bytes_per_s`, optional leading `time` or `t` (seconds; each row exactly the
// resolution, 1 or 60, after the previous one). Column names are case-insensitive. The bytes
// column gives each row a mean record size = bytes / records that overrides record_size there.
class RateProfile {
 public:
  // Errors name the field (`arrival.peak_factor must be in [1, 2], got 3`) or the trace file and
  // line (`trace.csv:12: expected a number in column "records", got "x"`).
  static Parsed<RateProfile> FromSpec(const ArrivalSpec& arrival, double records_per_sec,
                                      SimDuration run_duration);
  static Parsed<RateProfile> FromSpec(const ProducerSpec& producer, SimDuration run_duration);

  RateProfile(RateProfile&&) = default;
  RateProfile& operator=(RateProfile&&) = default;
  RateProfile(const RateProfile&) = delete;
  RateProfile& operator=(const RateProfile&) = delete;

  ArrivalProcess process() const { return process_; }
  SimDuration run_duration() const { return SimDuration::Nanos(end_ns_); }
  // True when a trace with a bytes column gave segments a mean record size.
  bool has_record_bytes() const { return has_record_bytes_; }

  // The group's rate at t; 0 outside [0, run duration).
  double RatePerSecAt(SimTime t) const;
  // Mean record size (bytes) that a trace's bytes column gives the segment holding t; -1 when the
  // profile has none there (no bytes column, no records in that row, or t outside the profile).
  double MeanRecordBytesAt(SimTime t) const;
  // Expected number of the group's records created in [a, b), the exact integral of the rate.
  // REQUIRES: a <= b.
  double ExpectedCount(SimTime a, SimTime b) const;
  // ExpectedCount over the whole run / run duration; 0 for an empty run.
  double MeanRatePerSec() const;

 private:
  friend class ArrivalGenerator;
  struct Segment {
    int64_t start_ns;          // from the start of the cycle
    int64_t length_ns;         // > 0
    double count;              // expected group records in the segment, >= 0
    double ns_per_record;      // length_ns / count; +inf when count == 0 (never used then)
    double mean_record_bytes;  // -1 = none

    // Offset of the arrival at v expected records into the segment, rounded down and kept
    // below length_ns, so an arrival always lies inside the segment it was placed in.
    int64_t Offset(double v) const {
      const int64_t off = static_cast<int64_t>(v * ns_per_record);
      return off < length_ns ? off : length_ns - 1;
    }
  };

  RateProfile() = default;
  // Appends [start_ns, start_ns + length_ns) with `count` expected records. REQUIRES: length_ns
  // > 0, contiguous with the previous segment.
  void Add(int64_t start_ns, int64_t length_ns, double count, double mean_record_bytes);
  // Closes the cycle: `cycle_ns` is its full length (it may exceed the run), periodic = repeat.
  void Finish(int64_t cycle_ns, bool periodic);
  // Segment index holding cycle offset r. REQUIRES: 0 <= r < stored length, segments non-empty.
  size_t SegmentAt(int64_t r) const;
  // Cumulative expected count over [0, t), t clamped to [0, run duration].
  double CumulativeCount(int64_t t_ns) const;
  // Index of the segment holding t, or -1 when t is outside the profile.
  int64_t SegmentIndexAt(SimTime t) const;

  ArrivalProcess process_ = ArrivalProcess::kPoisson;
  int64_t end_ns_ = 0;      // run duration: the rate is 0 from here on
  int64_t horizon_ns_ = 0;  // length of the stored segments: min(cycle, run duration)
  int64_t cycle_ns_ = 0;    // period when periodic_
  bool periodic_ = false;   // repeats every cycle_ns_ (only when cycle_ns_ < end_ns_)
  bool has_record_bytes_ = false;
  double cycle_count_ = 0;  // expected count over the stored segments (= cum_.back())
  std::vector<Segment> segments_;
  std::vector<double> cum_;  // cum_[i] = expected count before segment i; size n + 1
};

// Creation times of one producer instance that gets `share` of its group's rate. Poisson-type
// profiles: a non-homogeneous Poisson process by time change (Exp(1) steps in the instance's
// operational time, i.e. expected records, mapped back through the profile). Constant: arrivals
// exactly 1 / (share * rate) apart, the first at a uniformly random phase in [0, spacing) so that
// instances do not fire in lockstep. Times are rounded down to whole nanoseconds from a double
// position inside the current segment, so rounding does not accumulate.
// Cost per call: one exponential draw and two multiplies while the arrival stays in the current
// segment; a binary search over the cycle's segments (after skipping whole cycles) otherwise.
class ArrivalGenerator {
 public:
  // REQUIRES: 0 < share <= 1 (usually 1 / instances); `profile` outlives the generator and does
  // not move.
  ArrivalGenerator(const RateProfile& profile, double share);

  // The next creation time: non-decreasing from call to call, in [0, run duration), and
  // SimTime::Max() once no arrival is left (rate 0 forever, or the run is over).
  SimTime Next(Rng& rng);

  // Mean record size (bytes) of the trace row that holds the last returned arrival (before the
  // first one: of the first row); -1 when there is none (see RateProfile::MeanRecordBytesAt).
  double MeanRecordBytes() const {
    return profile_->segments_.empty() ? -1.0 : profile_->segments_[segment_].mean_record_bytes;
  }

 private:
  enum class Mode : uint8_t { kPoisson, kConstantFirst, kConstant, kDone };

  // The arrival left the current segment: find the segment (and cycle) that holds it.
  SimTime Advance();
  SimTime Done() {
    mode_ = Mode::kDone;
    return SimTime::Max();
  }

  const RateProfile* profile_;
  double inv_share_;  // group records per instance record
  double v_ = 0;      // group expected records from the current segment's start to the arrival
  int64_t cycle_start_ns_ = 0;
  uint32_t segment_ = 0;
  Mode mode_;
};

inline SimTime ArrivalGenerator::Next(Rng& rng) {
  switch (mode_) {
    case Mode::kPoisson:
      v_ += SampleStandardExponential(rng) * inv_share_;
      break;
    case Mode::kConstant:
      v_ += inv_share_;
      break;
    case Mode::kConstantFirst:
      v_ += rng.NextDouble() * inv_share_;
      mode_ = Mode::kConstant;
      break;
    case Mode::kDone:
      return SimTime::Max();
  }
  const RateProfile::Segment& s = profile_->segments_[segment_];
  if (v_ < s.count) [[likely]] {
    const int64_t t = cycle_start_ns_ + s.start_ns + s.Offset(v_);
    if (t < profile_->end_ns_) [[likely]]
      return SimTime::FromNanos(t);
    return Done();
  }
  return Advance();
}

}  // namespace shardsim
