// Tests for Simulation: component dispatch, run limits, stop, determinism of random streams and
// independence of two simulations in one process.
#include "sim/simulation.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace shardsim {
namespace {

// Fires every `period`, records (time, tag) and draws one random number per event.
class Ticker : public Component {
 public:
  Ticker(std::string name, SimDuration period) : Component(std::move(name)), period_(period) {}
  void Start(Context& ctx) override {
    rng_.emplace(ctx.MakeRng("ticks"));
    ctx.ScheduleAfter(period_, 0);
  }
  void OnEvent(Context& ctx, uint32_t tag) override {
    times.push_back(ctx.Now().nanos());
    draws.push_back(rng_->Next());
    ctx.ScheduleAfter(period_, tag + 1);
  }
  void Finish(Context& ctx) override { finished_at = ctx.Now().nanos(); }

  std::vector<int64_t> times;
  std::vector<uint64_t> draws;
  int64_t finished_at = -1;

 private:
  SimDuration period_;
  std::optional<Rng> rng_;
};

TEST(SimulationTest, RunUntilRunsEventsAtTheEndTimeAndAdvancesNow) {
  Simulation sim;
  auto& t = sim.Emplace<Ticker>("t", Millis(100));
  sim.RunUntil(SimTime::Millis(1000));
  EXPECT_EQ(t.times.size(), 10u);  // 100 ms .. 1000 ms inclusive
  EXPECT_EQ(t.times.back(), Millis(1000).nanos());
  EXPECT_EQ(sim.Now(), SimTime::Millis(1000));
  sim.RunUntil(SimTime::Millis(1050));
  EXPECT_EQ(t.times.size(), 10u);
  EXPECT_EQ(sim.Now(), SimTime::Millis(1050));
  sim.Finish();
  sim.Finish();
  EXPECT_EQ(t.finished_at, Millis(1050).nanos());
}

class Stopper : public Component {
 public:
  Stopper() : Component("stopper") {}
  void Start(Context& ctx) override { ctx.Schedule(SimTime::Millis(250), 0); }
  void OnEvent(Context& ctx, uint32_t) override { ctx.Stop(); }
};

TEST(SimulationTest, StopEndsTheRunAfterTheCurrentEvent) {
  Simulation sim;
  auto& t = sim.Emplace<Ticker>("t", Millis(100));
  sim.Emplace<Stopper>();
  sim.RunUntil(SimTime::Seconds(10));
  EXPECT_TRUE(sim.stopped());
  EXPECT_EQ(t.times.size(), 2u);
  EXPECT_EQ(sim.Now(), SimTime::Millis(250));
}

class Countdown : public Component {
 public:
  explicit Countdown(int n) : Component("countdown"), n_(n) {}
  void Start(Context& ctx) override { ctx.ScheduleAfter(Seconds(1), 0); }
  void OnEvent(Context& ctx, uint32_t) override {
    if (--n_ > 0) ctx.ScheduleAfter(Seconds(1), 0);
  }
  int n_;
};

TEST(SimulationTest, RunUntilEmptyStopsWhenNothingIsPending) {
  Simulation sim;
  auto& c = sim.Emplace<Countdown>(5);
  sim.RunUntilEmpty();
  EXPECT_EQ(c.n_, 0);
  EXPECT_EQ(sim.Now(), SimTime::Seconds(5));
  EXPECT_EQ(sim.events_processed(), 5u);
  EXPECT_EQ(sim.pending_events(), 0u);
}

TEST(SimulationTest, SameSeedGivesIdenticalDrawsAndTwoSimulationsAreIndependent) {
  Simulation a({.seed = 9, .replication = 0});
  Simulation b({.seed = 9, .replication = 0});
  Simulation c({.seed = 9, .replication = 1});
  auto& ta = a.Emplace<Ticker>("t", Millis(10));
  auto& tb = b.Emplace<Ticker>("t", Millis(10));
  auto& tc = c.Emplace<Ticker>("t", Millis(10));
  // Interleave the runs: no shared state may leak between them.
  a.RunUntil(SimTime::Millis(500));
  c.RunUntil(SimTime::Millis(1000));
  b.RunUntil(SimTime::Millis(1000));
  a.RunUntil(SimTime::Millis(1000));
  EXPECT_EQ(ta.draws, tb.draws);
  EXPECT_EQ(ta.times, tb.times);
  EXPECT_NE(ta.draws, tc.draws);
}

TEST(SimulationTest, AddingAComponentDoesNotChangeAnotherOnesDraws) {
  Simulation a({.seed = 3});
  Simulation b({.seed = 3});
  auto& ta = a.Emplace<Ticker>("producer", Millis(10));
  b.Emplace<Ticker>("another", Millis(7));
  auto& tb = b.Emplace<Ticker>("producer", Millis(10));
  a.RunUntil(SimTime::Seconds(1));
  b.RunUntil(SimTime::Seconds(1));
  EXPECT_EQ(ta.draws, tb.draws);
}

class Canceller : public Component {
 public:
  Canceller() : Component("canceller") {}
  void Start(Context& ctx) override {
    timeout_ = ctx.Schedule(SimTime::Seconds(30), 1);
    ctx.Schedule(SimTime::Seconds(1), 2);
  }
  void OnEvent(Context& ctx, uint32_t tag) override {
    fired.push_back(tag);
    if (tag == 2) {
      EXPECT_TRUE(ctx.Cancel(timeout_));
    }
  }
  std::vector<uint32_t> fired;
  EventHandle timeout_;
};

TEST(SimulationTest, CancelledTimeoutDoesNotFire) {
  Simulation sim;
  auto& c = sim.Emplace<Canceller>();
  sim.RunUntil(SimTime::Seconds(60));
  EXPECT_EQ(c.fired, (std::vector<uint32_t>{2}));
}

}  // namespace
}  // namespace shardsim
