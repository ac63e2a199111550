// The reference the kernel is measured against: a plain std::priority_queue hold model with
// 16-byte POD events, std::mt19937_64 and -log(1-u), compiled at -O2 (see bench/CMakeLists.txt).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <vector>

namespace {

struct PlainEvent {
  double time;
  uint64_t entity;
  bool operator>(const PlainEvent& o) const { return time > o.time; }
};
static_assert(sizeof(PlainEvent) == 16);

void BM_PlainPriorityQueueHold(benchmark::State& state) {
  const auto n = static_cast<uint64_t>(state.range(0));
  const double mean = 1e-3;  // 1 ms
  std::mt19937_64 rng(12345);
  auto exp_draw = [&] {
    return -std::log(1.0 - static_cast<double>(rng() >> 11) * 0x1.0p-53) * mean;
  };
  std::vector<PlainEvent> storage;
  storage.reserve(n + 1);
  std::priority_queue<PlainEvent, std::vector<PlainEvent>, std::greater<>> pq(std::greater<>{},
                                                                              std::move(storage));
  for (uint64_t i = 0; i < n; ++i) pq.push({exp_draw(), i});
  auto step = [&] {
    const PlainEvent e = pq.top();
    pq.pop();
    pq.push({e.time + exp_draw(), rng() % n});
  };
  for (uint64_t i = 0; i < 2 * n; ++i) step();  // reach the steady-state time distribution
  constexpr int64_t kEventsPerIteration = 10'000;
  for (auto _ : state) {
    for (int64_t i = 0; i < kEventsPerIteration; ++i) step();
  }
  benchmark::DoNotOptimize(pq.top());
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
}
BENCHMARK(BM_PlainPriorityQueueHold)->Arg(1000)->Arg(100000)->Arg(1000000);

}  // namespace
