// shardsim_bench entry point: runs the registered benchmarks, then prints the kernel's speed-up
// over the plain std::priority_queue hold loop at each pending-set size.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

namespace {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) items_per_second_[r.benchmark_name()] = it->second.value;
    }
  }
  void PrintRatios() const {
    bool header = false;
    for (const auto& [name, ips] : items_per_second_) {
      if (name.rfind("BM_KernelHold/", 0) != 0) continue;
      const std::string arg = name.substr(std::string("BM_KernelHold/").size());
      auto base = items_per_second_.find("BM_PlainPriorityQueueHold/" + arg);
      if (base == items_per_second_.end()) continue;
      if (!header) {
        std::printf("\nKernel hold model vs plain std::priority_queue loop (items/s):\n");
        header = true;
      }
      std::printf("  pending=%-8s kernel %.3g/s  plain %.3g/s  ratio %.2fx\n", arg.c_str(), ips,
                  base->second, ips / base->second);
    }
  }

 private:
  std::map<std::string, double> items_per_second_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
