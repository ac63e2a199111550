// Tests for the per-minute CloudWatch view (models/stream/cloudwatch.h), read during whole runs by
// a component the way an autoscaler would: a minute becomes readable only after its end plus the
// publication delay, its figures are the minute's (sums per stream and per shard, the largest
// GetRecords iterator age), memory stays at the kept minutes, the registry holds the stream-level
// series, and shards a reshard adds appear in the minutes after it. The models' published views
// in the registry (sim/metrics.h) are their own series and totals, also mid-run, and the view's
// minutes read through them are the components' own minutes.
#include "models/stream/cloudwatch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "models/consumers/consumers.h"
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

// Mid-run, every `every`: each sum view of the stream holds, per shard, windows adding up to its
// running total, and that total is the stream's own count -- the open window included.
class ViewChecker : public Component {
 public:
  ViewChecker(const Stream& stream, SimDuration every, SimTime end)
      : Component("test/views"), stream_(stream), every_(every), end_(end) {}
  void Start(Context& ctx) override {
    const std::string prefix = Stream::MetricPrefix(stream_.spec().name) + "/";
    for (const char* m :
         {"IncomingBytes", "IncomingRecords", "WriteProvisionedThroughputExceeded"}) {
      views_.push_back(ctx.metrics().FindView(prefix + m));
      ASSERT_NE(views_.back(), nullptr) << m;
    }
    ctx.Schedule(SimTime::Zero() + every_, 0);
  }
  void OnEvent(Context& ctx, uint32_t) override {
    for (uint32_t s = 0; s < stream_.shard_map().shards().size(); ++s) {
      const Stream::ShardCounters c = stream_.counters(s);
      const double own[3] = {static_cast<double>(c.bytes_in), static_cast<double>(c.records_in),
                             static_cast<double>(c.throttled)};
      for (size_t v = 0; v < views_.size(); ++v) {
        ASSERT_EQ(views_[v]->rows(), stream_.shard_map().shards().size());
        EXPECT_EQ(views_[v]->size(s), views_[v]->WindowAt(ctx.Now()) + 1) << "the open window";
        double sum = 0;
        for (size_t i = 0; i < views_[v]->size(s); ++i) sum += views_[v]->value(s, i);
        EXPECT_EQ(sum, own[v]) << v << " shard " << s << " at " << ctx.Now().seconds();
        EXPECT_EQ(views_[v]->total(s), own[v]);
      }
    }
    ++checks;
    if (ctx.Now() + every_ <= end_) ctx.Schedule(ctx.Now() + every_, 0);
  }
  int checks = 0;

 private:
  const Stream& stream_;
  SimDuration every_;
  SimTime end_;
  std::vector<const MetricView*> views_;
};

TEST(CloudWatchTest, RegistryViewsAreTheModelsOwnSeriesAndTotals) {
  const Scenario s = Loaded(Minutes(3));
  const auto prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  // Mid-window instants: every shard has stored records of the current window by then.
  auto& checker = g.sim().Emplace<ViewChecker>(g.stream(), Millis(7333), g.end());
  g.Run();
  EXPECT_EQ(checker.checks, 24);

  // After the run: the views are the stream's series tables, window by window, and its totals.
  const MetricsRegistry& m = g.sim().metrics();
  const std::vector<SeriesTable> tables = g.stream().ShardSeries();
  const std::vector<ShardResult> shards = g.stream().ShardResults();
  const char* names[3] = {"kinesis/orders/IncomingRecords", "kinesis/orders/IncomingBytes",
                          "kinesis/orders/WriteProvisionedThroughputExceeded"};
  for (int col = 1; col <= 3; ++col) {  // records_in, bytes_in, throttled_records
    const MetricView* v = m.FindView(names[col - 1]);
    ASSERT_NE(v, nullptr) << names[col - 1];
    EXPECT_EQ(v->width(), s.series_interval);
    EXPECT_EQ(v->fold(), MetricView::Fold::kSum);
    ASSERT_EQ(v->rows(), tables.size());
    for (size_t r = 0; r < tables.size(); ++r) {
      ASSERT_EQ(v->size(r), tables[r].rows.size());
      for (size_t i = 0; i < tables[r].rows.size(); ++i) {
        EXPECT_EQ(v->value(r, i), tables[r].rows[i][static_cast<size_t>(col)]) << r << "/" << i;
      }
    }
  }
  for (size_t r = 0; r < shards.size(); ++r) {
    EXPECT_EQ(m.FindView(names[0])->total(r), static_cast<double>(shards[r].records_in));
  }
  // The read limits' refused calls, per shard, as running totals.
  const MetricView* refused = m.FindView("kinesis/orders/ReadProvisionedThroughputExceeded");
  ASSERT_NE(refused, nullptr);
  ASSERT_EQ(refused->rows(), 2u);
  for (uint32_t r = 0; r < 2; ++r) {
    uint64_t n = 0;
    for (uint64_t t : g.reads()->limits().counts(r).throttled) n += t;
    EXPECT_GT(n, 0u);
    EXPECT_EQ(refused->total(r), static_cast<double>(n));
  }
  // A consumer's iterator age per shard and window, whose largest is its result's maximum.
  const MetricView* age = m.FindView("consumer/poller-0/GetRecords.IteratorAgeMilliseconds");
  ASSERT_NE(age, nullptr);
  EXPECT_EQ(age->fold(), MetricView::Fold::kMax);
  EXPECT_FALSE(age->has_total());
  ASSERT_EQ(age->rows(), 2u);
  double age_max = 0;
  for (size_t r = 0; r < 2; ++r) {
    EXPECT_EQ(age->size(r), tables[r].rows.size());
    for (size_t i = 0; i < age->size(r); ++i) age_max = std::max(age_max, age->value(r, i));
  }
  const std::vector<ConsumerResult> consumers = g.reads()->Results();
  EXPECT_GT(age_max, 0);
  EXPECT_EQ(static_cast<float>(age_max), static_cast<float>(consumers[0].iterator_age_max_ms));
  // A producer's running totals.
  const MetricView* produced = m.FindView("producer/app/RecordsProduced");
  const MetricView* bytes = m.FindView("producer/app/PutRecords.Bytes");
  ASSERT_TRUE(produced != nullptr && bytes != nullptr);
  const ProducerResult p = g.producers()[0]->Result();
  EXPECT_EQ(produced->total(0), static_cast<double>(p.records_produced));
  EXPECT_EQ(bytes->total(0), static_cast<double>(p.bytes_accepted));
  EXPECT_EQ(produced->size(0), 0u) << "a producer keeps totals, no windows";
}

// Reads the stream and its read limits themselves at each minute boundary, as the view did before
// it read through the registry: the minute's deltas of the running totals.
class ComponentMinutes : public Component {
 public:
  ComponentMinutes(const Stream& stream, const SharedReadLimits& limits, SimTime end)
      : Component("test/minutes"), stream_(stream), limits_(limits), end_(end) {}
  void Start(Context& ctx) override {
    ctx.Schedule(SimTime::Zero() + Minutes(1), 0, Phase::kBoundary);
  }
  void OnEvent(Context& ctx, uint32_t) override {
    std::vector<CloudWatchView::Metrics> minute;
    const auto n = static_cast<uint32_t>(stream_.shard_map().shards().size());
    last_.resize(n);
    for (uint32_t s = 0; s < n; ++s) {
      const Stream::ShardCounters c = stream_.counters(s);
      uint64_t refused = 0;
      for (uint64_t t : limits_.counts(s).throttled) refused += t;
      CloudWatchView::Metrics x;
      x.incoming_bytes = static_cast<double>(c.bytes_in - last_[s][0]);
      x.incoming_records = static_cast<double>(c.records_in - last_[s][1]);
      x.write_throttled_records = static_cast<double>(c.throttled - last_[s][2]);
      x.read_throttled_calls = static_cast<double>(refused - last_[s][3]);
      last_[s] = {c.bytes_in, c.records_in, c.throttled, refused};
      minute.push_back(x);
    }
    minutes.push_back(minute);
    if (ctx.Now() + Minutes(1) <= end_) ctx.Schedule(ctx.Now() + Minutes(1), 0, Phase::kBoundary);
  }
  std::vector<std::vector<CloudWatchView::Metrics>> minutes;

 private:
  const Stream& stream_;
  const SharedReadLimits& limits_;
  SimTime end_;
  std::vector<std::array<uint64_t, 4>> last_;
};

TEST(CloudWatchTest, MinutesReadThroughTheRegistryAreTheComponentsOwnMinutes) {
  Scenario s = Loaded(Minutes(5));
  // One-minute series windows: each poller samples every window, so none is a gap the consumer
  // fills (a filled window may exceed every sample).
  s.series_interval = Minutes(1);
  const auto prepared = support::PrepareOk(s);
  ModelGraph g(*prepared, s.seed);
  CloudWatchOptions options;
  options.publication_delay = SimDuration::Zero();
  options.keep_minutes = 5;
  CloudWatchView& view = g.AddCloudWatch(options);
  auto& oracle = g.sim().Emplace<ComponentMinutes>(g.stream(), g.reads()->limits(), g.end());
  g.Run();
  ASSERT_EQ(oracle.minutes.size(), 5u);
  const MetricsRegistry& m = g.sim().metrics();
  for (int k = 0; k < 5; ++k) {
    const SimTime start = SimTime::Zero() + Minutes(k);
    const CloudWatchView::Minute* minute = view.Find(g.end(), start);
    ASSERT_NE(minute, nullptr) << k;
    const auto& own = oracle.minutes[static_cast<size_t>(k)];
    ASSERT_EQ(minute->shards.size(), own.size());
    for (size_t sh = 0; sh < own.size(); ++sh) {
      const CloudWatchView::Metrics& x = minute->shards[sh];
      EXPECT_EQ(x.incoming_bytes, own[sh].incoming_bytes) << k << "/" << sh;
      EXPECT_EQ(x.incoming_records, own[sh].incoming_records) << k << "/" << sh;
      EXPECT_EQ(x.write_throttled_records, own[sh].write_throttled_records) << k << "/" << sh;
      EXPECT_EQ(x.read_throttled_calls, own[sh].read_throttled_calls) << k << "/" << sh;
      // The shard's GetRecords iterator age of the minute: the largest of what its six pollers
      // saw in the minute (every poller samples each GetRecords response; they keep floats).
      float pollers = 0;
      const size_t per_minute = static_cast<size_t>(Minutes(1).nanos() / s.series_interval.nanos());
      for (int c = 0; c < 6; ++c) {
        const MetricView* age = m.FindView("consumer/poller-" + std::to_string(c) +
                                           "/GetRecords.IteratorAgeMilliseconds");
        ASSERT_NE(age, nullptr);
        for (size_t i = static_cast<size_t>(k) * per_minute;
             i < (static_cast<size_t>(k) + 1) * per_minute && i < age->size(sh); ++i) {
          pollers = std::max(pollers, static_cast<float>(age->value(sh, i)));
        }
      }
      EXPECT_EQ(static_cast<float>(x.iterator_age_max_ms), pollers) << k << "/" << sh;
    }
  }
}

}  // namespace
}  // namespace shardsim
