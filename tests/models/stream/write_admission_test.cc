// Tests for per-shard write admission: the fixed one-second window and the token bucket.
#include "models/stream/write_admission.h"

#include <gtest/gtest.h>

namespace shardsim {
namespace {

TEST(WriteAdmissionTest, WindowThrottlesRecordsOverThousandPerSecond) {
  WriteAdmitter a(WriteLimitsSpec{.bytes_per_sec = 1 << 20, .records_per_sec = 1000});
  WriteAdmissionState s;
  int admitted = 0;
  for (int i = 0; i < 1500; ++i) {
    const WriteLimit r = a.Admit(s, SimTime::Millis(i / 2), 10);  // 1500 records in 750 ms
    if (r == WriteLimit::kNone) ++admitted;
    if (i >= 1000) {
      EXPECT_EQ(r, WriteLimit::kRecords);
    }
  }
  EXPECT_EQ(admitted, 1000);
  // The next window starts exactly at t = 1 s.
  EXPECT_EQ(a.Admit(s, SimTime::FromNanos(999'999'999), 10), WriteLimit::kRecords);
  EXPECT_EQ(a.Admit(s, SimTime::Seconds(1), 10), WriteLimit::kNone);
}

TEST(WriteAdmissionTest, WindowThrottlesBytesOverOneMebibytePerSecond) {
  WriteAdmitter a(WriteLimitsSpec{});
  WriteAdmissionState s;
  // 16 records of 64 KiB fill 1 MiB exactly; the 17th is refused by the bytes limit.
  for (int i = 0; i < 16; ++i) EXPECT_EQ(a.Admit(s, SimTime::Millis(i), 65536), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Millis(20), 65536), WriteLimit::kBytes);
  EXPECT_EQ(a.Admit(s, SimTime::Millis(21), 0), WriteLimit::kNone);  // records still available
}

TEST(WriteAdmissionTest, TokenBucketRefillsContinuously) {
  WriteAdmitter a(WriteLimitsSpec{.bytes_per_sec = 1 << 20,
                                  .records_per_sec = 1000,
                                  .admission = WriteAdmission::kTokenBucket,
                                  .bucket_depth_sec = 1.0});
  WriteAdmissionState s;
  // A full bucket admits a burst of exactly 1000 records at one instant.
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Admit(s, SimTime::Zero(), 1), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 1), WriteLimit::kRecords);
  // 1 ms later exactly one token has been refilled.
  EXPECT_EQ(a.Admit(s, SimTime::Millis(1), 1), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Millis(1), 1), WriteLimit::kRecords);
  // Half a token is not enough.
  EXPECT_EQ(a.Admit(s, SimTime::Millis(1) + Micros(500), 1), WriteLimit::kRecords);
  EXPECT_EQ(a.Admit(s, SimTime::Millis(2), 1), WriteLimit::kNone);
}

TEST(WriteAdmissionTest, TokenBucketSustainsExactlyTheRefillRate) {
  WriteAdmitter a(WriteLimitsSpec{.bytes_per_sec = 1 << 20,
                                  .records_per_sec = 1000,
                                  .admission = WriteAdmission::kTokenBucket,
                                  .bucket_depth_sec = 0.1});
  WriteAdmissionState s;
  // Offer 2,000 records/s for 10 s: admitted = depth (100) + 10 s * 1000/s.
  int admitted = 0;
  for (int i = 0; i <= 20000; ++i) {
    if (a.Admit(s, SimTime::FromNanos(int64_t{i} * 500'000), 100) == WriteLimit::kNone) ++admitted;
  }
  EXPECT_EQ(admitted, 100 + 10000);
}

TEST(WriteAdmissionTest, TokenBucketDepthBoundsTheBurstAfterIdleness) {
  WriteAdmitter a(WriteLimitsSpec{.bytes_per_sec = 1 << 20,
                                  .records_per_sec = 1000,
                                  .admission = WriteAdmission::kTokenBucket,
                                  .bucket_depth_sec = 2.0});
  WriteAdmissionState s;
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 1 << 20), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 1 << 20), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 1), WriteLimit::kBytes);  // 2 MiB depth used up
  // After a year idle the bucket holds its depth, not a year of tokens (and does not overflow).
  const SimTime later = SimTime::Seconds(365LL * 24 * 3600);
  EXPECT_EQ(a.Admit(s, later, 1 << 20), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, later, 1 << 20), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, later, 1), WriteLimit::kBytes);
}

TEST(WriteAdmissionTest, TokenBucketOfHugeLimitsAndDepthDoesNotOverflow) {
  // Regression: depth x 1e9 x rate once overflowed int64 and throttled every record.
  WriteAdmitter a(WriteLimitsSpec{.bytes_per_sec = int64_t{1} << 40,
                                  .records_per_sec = 3'000'000,
                                  .admission = WriteAdmission::kTokenBucket,
                                  .bucket_depth_sec = 3600});
  WriteAdmissionState s;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(a.Admit(s, SimTime::Millis(i), 1 << 20), WriteLimit::kNone) << i;
  }
  WriteAdmitter b(WriteLimitsSpec{.bytes_per_sec = 4 << 20,
                                  .records_per_sec = 1000,
                                  .admission = WriteAdmission::kTokenBucket,
                                  .bucket_depth_sec = 3600});
  WriteAdmissionState t;
  // The full bucket holds 3.6 million records' worth of record tokens and 14.06 GiB of bytes.
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(b.Admit(t, SimTime::Zero(), 100), WriteLimit::kNone);
}

// Large records (max_record_size over the bytes limit) come from a burst bucket of burst_bytes
// refilled at the bytes limit (fact sheet 1, large-records page).
TEST(WriteAdmissionTest, LargeRecordsAreServedFromTheBurstBucketAndItRefillsAtTheBytesLimit) {
  constexpr int64_t kMiB = int64_t{1} << 20;
  WriteAdmitter a(WriteLimitsSpec{}, 8 * kMiB);  // 1 MiB/s, 1,000 records/s, burst 10 MiB
  ASSERT_TRUE(a.burst());
  WriteAdmissionState s;
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 5 * kMiB), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 5 * kMiB), WriteLimit::kNone);   // 10 MiB in one instant
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 5 * kMiB), WriteLimit::kBytes);  // the bucket is empty
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 64 * 1024), WriteLimit::kNone);  // the window is not
  // 64 KiB drawn down to empty (not below): 5 MiB are back after exactly 5 s.
  EXPECT_EQ(a.Admit(s, SimTime::Millis(4999), 5 * kMiB), WriteLimit::kBytes);
  EXPECT_EQ(a.Admit(s, SimTime::Seconds(5), 5 * kMiB), WriteLimit::kNone);
}

TEST(WriteAdmissionTest, AShardWritingAtItsLimitHasNoBurstLeftForLargeRecords) {
  constexpr int64_t kMiB = int64_t{1} << 20;
  WriteAdmitter busy(WriteLimitsSpec{}, 8 * kMiB);
  WriteAdmitter idle(WriteLimitsSpec{}, 8 * kMiB);
  WriteAdmissionState b, i;
  ASSERT_EQ(busy.Admit(b, SimTime::Zero(), 8 * kMiB), WriteLimit::kNone);  // 2 MiB left
  ASSERT_EQ(idle.Admit(i, SimTime::Zero(), 8 * kMiB), WriteLimit::kNone);
  // The busy shard writes 1 MiB every second after (16 x 64 KiB): all admitted by the window,
  // and the refill goes to them.
  for (int sec = 1; sec <= 10; ++sec) {
    for (int k = 0; k < 16; ++k) {
      ASSERT_EQ(busy.Admit(b, SimTime::Seconds(sec), 64 * 1024), WriteLimit::kNone);
    }
  }
  EXPECT_EQ(busy.Admit(b, SimTime::Millis(10'500), 8 * kMiB), WriteLimit::kBytes);
  EXPECT_EQ(idle.Admit(i, SimTime::Millis(10'500), 8 * kMiB), WriteLimit::kNone);
}

TEST(WriteAdmissionTest, ALargeRecordStillCountsTowardTheRecordsLimit) {
  constexpr int64_t kMiB = int64_t{1} << 20;
  WriteAdmitter a(WriteLimitsSpec{.records_per_sec = 2}, 4 * kMiB);
  WriteAdmissionState s;
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 10), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 2 * kMiB), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 2 * kMiB), WriteLimit::kRecords);
  // And in token-bucket mode.
  WriteAdmitter t(WriteLimitsSpec{.records_per_sec = 1000,
                                  .admission = WriteAdmission::kTokenBucket,
                                  .bucket_depth_sec = 1.0},
                  4 * kMiB);
  WriteAdmissionState u;
  EXPECT_EQ(t.Admit(u, SimTime::Zero(), 3 * kMiB), WriteLimit::kNone);  // burst: 7 MiB left
  EXPECT_EQ(t.Admit(u, SimTime::Zero(), 1 * kMiB), WriteLimit::kNone);  // byte bucket; burst 6
  EXPECT_EQ(t.Admit(u, SimTime::Zero(), 1), WriteLimit::kBytes);        // the byte bucket is empty
  EXPECT_EQ(t.Admit(u, SimTime::Zero(), 3 * kMiB), WriteLimit::kNone);  // burst 3
  EXPECT_EQ(t.Admit(u, SimTime::Zero(), 3 * kMiB), WriteLimit::kNone);  // burst 0
  EXPECT_EQ(t.Admit(u, SimTime::Zero(), 3 * kMiB), WriteLimit::kBytes);
}

TEST(WriteAdmissionTest, NoBurstBucketWhenNoRecordExceedsTheBytesLimit) {
  WriteAdmitter a(WriteLimitsSpec{}, int64_t{1} << 20);
  EXPECT_FALSE(a.burst());
  WriteAdmissionState s;
  for (int k = 0; k < 16; ++k) ASSERT_EQ(a.Admit(s, SimTime::Zero(), 65536), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, SimTime::Zero(), 1), WriteLimit::kBytes);
}

TEST(WriteAdmissionTest, TokenBucketOfOneTebibytePerSecondRefillsWithoutOverflow) {
  // Regression: the refill multiplied up to 3,600 s of nanoseconds by 2^40 B/s in int64 (~2^82):
  // half an hour after the bucket was emptied it held a few milliseconds' worth, not 1,800 s.
  constexpr int64_t kRate = int64_t{1} << 40;
  WriteAdmitter a(WriteLimitsSpec{.bytes_per_sec = kRate,
                                  .records_per_sec = 1000,
                                  .admission = WriteAdmission::kTokenBucket,
                                  .bucket_depth_sec = 3600});
  WriteAdmissionState s;
  ASSERT_EQ(a.Admit(s, SimTime::Zero(), 3600 * kRate), WriteLimit::kNone);  // empties the bucket
  ASSERT_EQ(a.Admit(s, SimTime::Zero(), 1), WriteLimit::kBytes);
  const SimTime half_hour = SimTime::Zero() + Seconds(1800);
  EXPECT_EQ(a.Admit(s, half_hour, 1800 * kRate), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, half_hour, 1), WriteLimit::kBytes);
  // Idle far past the depth: full again, exactly.
  const SimTime later = half_hour + Seconds(300 * 86400);
  EXPECT_EQ(a.Admit(s, later, 3600 * kRate), WriteLimit::kNone);
  EXPECT_EQ(a.Admit(s, later, 1), WriteLimit::kBytes);
}

}  // namespace
}  // namespace shardsim
