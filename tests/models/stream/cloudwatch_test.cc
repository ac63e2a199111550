// Tests for the per-minute CloudWatch view (models/stream/cloudwatch.h), read during whole runs by
// a component the way an autoscaler would: a minute becomes readable only after its end plus the
// publication delay, its figures are the minute's (sums per stream and per shard, the largest
// GetRecords iterator age), memory stays at the kept minutes, the registry holds the stream-level
// series, and shards a reshard adds appear in the minutes after it.
#include "models/stream/cloudwatch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/run/model_graph.h"
#include "sim/simulation.h"
#include "tests/support/run_checks.h"
#include "tests/support/scenarios.h"

namespace shardsim {
namespace {

// Reads the view's newest minute every `every`, as an autoscaler polls CloudWatch.
class MetricsReader : public Component {
 public:
  MetricsReader(const CloudWatchView& view, SimDuration every, SimTime end)
      : Component("test/reader"), view_(view), every_(every), end_(end) {}
  void Start(Context& ctx) override { ctx.Schedule(SimTime::Zero() + every_, 0); }
  void OnEvent(Context& ctx, uint32_t) override {
    const SimTime now = ctx.Now();
    const CloudWatchView::Minute* m = view_.Latest(now);
    reads.push_back({now, m != nullptr, m != nullptr ? *m : CloudWatchView::Minute{}});
    if (now + every_ <= end_) ctx.Schedule(now + every_, 0);
  }
  struct Read {
    SimTime at;
    bool seen;
    CloudWatchView::Minute minute;
  };
  std::vector<Read> reads;

 private:
  const CloudWatchView& view_;
  SimDuration every_;
  SimTime end_;
};

// Two shards each offered 1,200 records/s of 200 B (the 1,000 records/s limit throttles the
// rest), read by six pollers every 200 ms (the shared 5 calls/s throttle some calls; together
// they read 1.2 MB/s of the shard's 2 MiB/s, so they keep up).
Scenario Loaded(SimDuration duration) {
  Scenario s = support::StreamScenario("cw", 41, 2, duration);
  s.stream.name = "orders";
  ProducerSpec p = support::FixedSizeProducer("app", 8, 2400, 200, 1000);
  p.api.linger = Millis(20);
  p.api.call_latency = LatencySpec::Fixed(Millis(10));
  p.retry.max_attempts = 1;  // throttled records are dropped: offered load stays constant
  s.producers.push_back(p);
  for (int i = 0; i < 6; ++i) {
    s.consumers.push_back(support::PollingConsumer("poller-" + std::to_string(i), Millis(200)));
  }
  return s;
}

TEST(CloudWatchTest, AMinuteIsReadableOnlyAfterItsEndAndTheDelayWithTheMinutesFigures) {
  const Scenario s = Loaded(Minutes(10));
  const auto prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  CloudWatchOptions options;
  options.publication_delay = Seconds(90);
  CloudWatchView& view = g.AddCloudWatch(options);
  auto& reader = g.sim().Emplace<MetricsReader>(view, Seconds(10), g.end());
  g.Run();

  ASSERT_EQ(reader.reads.size(), 60u);
  double records_seen = 0;
  SimTime last_start = SimTime::Zero() - Minutes(1);
  for (const MetricsReader::Read& r : reader.reads) {
    // The newest readable minute: ended at least 90 s ago, the one after it not yet readable.
    const int64_t newest_end = (r.at - Seconds(90)).nanos() / Minutes(1).nanos();
    if (newest_end < 1) {
      EXPECT_FALSE(r.seen) << r.at.seconds();
      continue;
    }
    ASSERT_TRUE(r.seen) << r.at.seconds();
    const CloudWatchView::Minute& m = r.minute;
    EXPECT_EQ(m.start, SimTime::Zero() + Minutes(newest_end - 1)) << r.at.seconds();
    EXPECT_LE(m.readable_at, r.at);
    EXPECT_EQ(m.readable_at, m.start + Minutes(1) + Seconds(90));
    // The minute's own figures, per stream and per shard (first minute: ramp-up aside).
    ASSERT_EQ(m.shards.size(), 2u);
    EXPECT_DOUBLE_EQ(m.stream.incoming_records,
                     m.shards[0].incoming_records + m.shards[1].incoming_records);
    for (const CloudWatchView::Metrics& x : m.shards) {
      EXPECT_NEAR(x.incoming_records, 60'000, 600) << "at most 1,000 records/s accepted";
      EXPECT_GT(x.write_throttled_records, 1'000) << "the excess over 1,000 records/s refused";
      EXPECT_GE(x.incoming_bytes, x.incoming_records * 205);  // data + "key-<n>"
      EXPECT_LE(x.incoming_bytes, x.incoming_records * 207);
      EXPECT_GT(x.read_throttled_calls, 0) << "six pollers share 5 calls/s";
      EXPECT_GT(x.iterator_age_max_ms, 0);
      EXPECT_LT(x.iterator_age_max_ms, 5'000);
    }
    // Offered = accepted + refused: 2,400 records/s, every record tried once.
    EXPECT_NEAR(m.stream.incoming_records + m.stream.write_throttled_records, 144'000, 2'000);
    if (m.start != last_start) records_seen += m.stream.incoming_records;
    last_start = m.start;
  }
  // Stream-level series in the run's registry: one window per published minute.
  const TimeSeries* in = g.sim().metrics().FindSeries("cloudwatch/orders/IncomingRecords");
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(view.published(), 10u);
  ASSERT_EQ(in->window_count(), 10u);
  double total = 0;
  for (size_t i = 0; i < in->window_count(); ++i) total += in->Sum(i);
  EXPECT_DOUBLE_EQ(total, static_cast<double>(g.stream().total_records_in()));
  EXPECT_GT(records_seen, 0);
  const TimeSeries* age =
      g.sim().metrics().FindSeries("cloudwatch/orders/GetRecords.IteratorAgeMilliseconds");
  ASSERT_NE(age, nullptr);
  EXPECT_GT(age->Max(3), 0);
}

TEST(CloudWatchTest, MemoryStaysAtTheKeptMinutesAndOldMinutesLeave) {
  const Scenario s = Loaded(Minutes(10));
  const auto prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  CloudWatchOptions options;
  options.publication_delay = SimDuration::Zero();
  options.keep_minutes = 3;
  CloudWatchView& view = g.AddCloudWatch(options);
  g.Run();
  EXPECT_EQ(view.published(), 10u);
  EXPECT_EQ(view.kept(), 3u);
  const SimTime end = g.end();
  ASSERT_NE(view.Latest(end), nullptr);
  EXPECT_EQ(view.Latest(end)->start, SimTime::Zero() + Minutes(9));
  EXPECT_NE(view.Find(end, SimTime::Zero() + Minutes(7)), nullptr);
  EXPECT_EQ(view.Find(end, SimTime::Zero() + Minutes(6)), nullptr);  // left the ring
}

// Splits a shard at a fixed time.
class Splitter : public Component {
 public:
  Splitter(Stream& stream, SimTime at) : Component("test/split"), stream_(stream), at_(at) {}
  void Start(Context& ctx) override { ctx.Schedule(at_, 0); }
  void OnEvent(Context& ctx, uint32_t) override {
    const HashRange r = stream_.shard_map().shard(0).range;
    ASSERT_TRUE(
        stream_
            .Split(0, HashKey(r.start.value() + (r.end.value() - r.start.value()) / 2), ctx.Now())
            .ok());
  }

 private:
  Stream& stream_;
  SimTime at_;
};

TEST(CloudWatchTest, ShardsAReshardAddsAppearInTheMinutesAfterIt) {
  const Scenario s = Loaded(Minutes(4));
  const auto prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  CloudWatchOptions options;
  options.publication_delay = SimDuration::Zero();
  CloudWatchView& view = g.AddCloudWatch(options);
  g.sim().Emplace<Splitter>(g.stream(), SimTime::Zero() + Seconds(150));
  g.Run();
  const CloudWatchView::Minute* before = view.Find(g.end(), SimTime::Zero() + Minutes(1));
  const CloudWatchView::Minute* split = view.Find(g.end(), SimTime::Zero() + Minutes(2));
  const CloudWatchView::Minute* after = view.Find(g.end(), SimTime::Zero() + Minutes(3));
  ASSERT_TRUE(before != nullptr && split != nullptr && after != nullptr);
  EXPECT_EQ(before->shards.size(), 2u);
  ASSERT_EQ(after->shards.size(), 4u);
  // The parent takes half a minute, then nothing; its children take the rest.
  EXPECT_GT(split->shards[0].incoming_records, 0);
  EXPECT_EQ(after->shards[0].incoming_records, 0);
  EXPECT_GT(after->shards[2].incoming_records, 0);
  EXPECT_GT(after->shards[3].incoming_records, 0);
  EXPECT_DOUBLE_EQ(split->stream.incoming_records,
                   split->shards[0].incoming_records + split->shards[1].incoming_records +
                       split->shards[2].incoming_records + split->shards[3].incoming_records);
}

}  // namespace
}  // namespace shardsim
