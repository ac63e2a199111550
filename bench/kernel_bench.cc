// Kernel benchmarks: the classic hold model with a fixed number of pending events. Each fired
// event reschedules one event for a random entity at now + Exp(mean 1 ms), drawn with the
// kernel's own Rng and Exponential. BM_KernelHold goes through Simulation (virtual dispatch,
// Context); BM_EventQueueHold measures the queue alone.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <optional>

#include "sim/event_queue.h"
#include "sim/random.h"
#include "sim/simulation.h"

namespace shardsim {
namespace {

constexpr int64_t kEventsPerIteration = 10'000;

class HoldModel : public Component {
 public:
  explicit HoldModel(uint32_t entities) : Component("hold"), entities_(entities) {}
  void Start(Context& ctx) override {
    rng_.emplace(ctx.MakeRng("delays"));
    for (uint32_t i = 0; i < entities_; ++i) ctx.ScheduleAfter(Delay(), i);
  }
  void OnEvent(Context& ctx, uint32_t) override {
    const auto next = static_cast<uint32_t>(rng_->Below(entities_));
    ctx.ScheduleAfter(Delay(), next);
    if (++fired_ == stop_at_) ctx.Stop();
  }
  void StopAfter(uint64_t more) { stop_at_ = fired_ + more; }

 private:
  SimDuration Delay() { return SimDuration::Nanos(static_cast<int64_t>(exp_.Sample(*rng_))); }
  uint32_t entities_;
  Exponential exp_{1e6};  // ns
  std::optional<Rng> rng_;
  uint64_t fired_ = 0;
  uint64_t stop_at_ = ~uint64_t{0};
};

// Runs the model until `events` more events fired (Stop is cleared between chunks).
class HoldRunner {
 public:
  explicit HoldRunner(uint32_t n) : model_(sim_.Emplace<HoldModel>(n)) {}
  void Run(uint64_t events) {
    model_.StopAfter(events);
    sim_.ResumeAfterStop();
    sim_.RunUntil(SimTime::FromNanos(kMaxQueueTimeNanos));
  }

 private:
  Simulation sim_;
  HoldModel& model_;
};

void BM_KernelHold(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  HoldRunner runner(n);
  runner.Run(2ull * n);  // steady state
  for (auto _ : state) runner.Run(kEventsPerIteration);
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
}
BENCHMARK(BM_KernelHold)->Arg(1000)->Arg(100000)->Arg(1000000);

void BM_EventQueueHold(benchmark::State& state) {
  const auto n = static_cast<uint32_t>(state.range(0));
  EventQueue q;
  Rng rng(12345);
  Exponential exp(1e6);
  auto delay = [&] { return SimDuration::Nanos(static_cast<int64_t>(exp.Sample(rng))); };
  for (uint32_t i = 0; i < n; ++i) q.Push(SimTime::Zero() + delay(), Phase::kDefault, 0, i);
  QueuedEvent e{};
  auto step = [&] {
    if (!q.Pop(&e)) std::abort();
    q.Push(e.time() + delay(), Phase::kDefault, 0, static_cast<uint32_t>(rng.Below(n)));
  };
  for (uint64_t i = 0; i < 2ull * n; ++i) step();
  for (auto _ : state) {
    for (int64_t i = 0; i < kEventsPerIteration; ++i) step();
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
}
BENCHMARK(BM_EventQueueHold)->Arg(1000)->Arg(100000)->Arg(1000000);

}  // namespace
}  // namespace shardsim
