// Counters past 2^32: a window of the per-shard series counts its records and throttles in 64 bits.
// Slow (2^32 offers, ~30 s in Release): ctest label "long", run with `ctest -L long`.
#include <gtest/gtest.h>

#include <cstdint>

#include "models/stream/stream.h"

namespace shardsim {
namespace {

// Regression: Stream::Window held 32-bit record and throttle counts, so a one-hour window above
// ~1.2 million throttled records per second wrapped to a small number in the series (found on
// ref-1000 at a 1 h interval).
TEST(StreamCounterBoundsTest, AWindowCountsMoreThanTwoToThe32ThrottledRecords) {
  StreamSpec spec;
  spec.shards = 1;
  Stream stream(spec, Seconds(3600));
  const Stream::Instant at = stream.At(SimTime::Seconds(1));
  const uint64_t offers = (uint64_t{1} << 32) + 3000;
  for (uint64_t i = 0; i < offers; ++i) stream.Put(0, at, 1, false, at.now);
  stream.Finish(SimTime::Seconds(3600));
  const ShardResult r = stream.ShardResults()[0];
  EXPECT_EQ(r.records_in, 1000u);
  EXPECT_EQ(r.throttled_records, offers - 1000);
  EXPECT_EQ(r.records_offered, offers);
  EXPECT_EQ(stream.total_throttled(), offers - 1000);
  const SeriesTable t = stream.ShardSeries()[0];
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0][1], 1000.0);                              // records
  EXPECT_EQ(t.rows[0][3], static_cast<double>(offers - 1000));  // throttled: exact below 2^53
}

}  // namespace
}  // namespace shardsim
