// `shardsim size` and `shardsim sweep`. See cmd_plan.h.
#include "cli/cmd_plan.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "planner/pool.h"
#include "planner/size.h"
#include "planner/spread.h"
#include "planner/sweep.h"
#ifdef SHARDSIM_HAVE_MPI
#include <dlfcn.h>
#include <unistd.h>

#include <cstring>

#include "planner/mpi_spread.h"
#endif
#include "reports/csv_writer.h"
#include "reports/output_dir.h"
#include "reports/report_size.h"
#include "reports/result_json.h"
#include "reports/size_output.h"
#include "reports/summary.h"
#include "reports/sweep_output.h"

namespace po = boost::program_options;

namespace shardsim::cli {
namespace {

// "3/10 runs, 1min 20s left" on one redrawn stderr line when stderr is a terminal.
class RunProgress {
 public:
  explicit RunProgress(std::string what)
      : what_(std::move(what)),
        progress_(std::cerr, StderrIsTerminal()),
        start_(Progress::Clock::now()) {}
  void Update(size_t done, size_t planned) {
    if (!progress_.Due()) return;
    progress_.Update(what_ + ": " +
                     Progress::Steps(done, planned, "runs", Progress::Clock::now() - start_));
  }

 private:
  std::string what_;
  Progress progress_;
  Progress::Clock::time_point start_;
};

bool ReadCount(const po::variables_map& vm, const char* name, int64_t min, int64_t max,
               int64_t* out) {
  if (!vm.count(name)) return true;
  const int64_t v = vm[name].as<int64_t>();
  if (v < min || v > max) {
    std::cerr << "shardsim: --" << name << ": must be between " << min << " and " << max << ", got "
              << v << "\n";
    return false;
  }
  *out = v;
  return true;
}

#ifdef SHARDSIM_HAVE_MPI
// Loads the MPI plugin from the executable's directory and starts MPI; null (and `error`) when
// the plugin does not load.
std::unique_ptr<TaskSpread> LoadMpiSpread(std::string* error) {
  std::string path = kShardsimMpiPlugin;
  char exe[4096];
  if (const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1); n > 0) {
    std::string dir(exe, static_cast<size_t>(n));
    path = dir.substr(0, dir.rfind('/') + 1) + kShardsimMpiPlugin;
  }
  // RTLD_GLOBAL: Open MPI's own components resolve MPI's symbols from the global scope.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  void* entry = handle != nullptr ? dlsym(handle, kShardsimMpiEntry) : nullptr;
  if (entry == nullptr) {
    const char* why = dlerror();
    *error = why != nullptr ? why : path + ": cannot load";
    return nullptr;
  }
  TaskSpread* (*start)() = nullptr;
  std::memcpy(&start, &entry, sizeof entry);  // object to function pointer, as POSIX allows
  return std::unique_ptr<TaskSpread>(start());
}
#endif

}  // namespace

int CmdSize(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim size FILE [--min N] [--max N] [--replications R] [--threads T]\n"
      "                          [--set /ptr=value]... [--prices FILE] [--out DIR [--report]]\n"
      "Finds the fewest shards (and the consumer settings that scale with them) meeting every\n"
      "objective of the scenario in all replications: its `slos`, or by default no write\n"
      "throttling beyond 0.1% and no consumer falling behind; never any record dropped or\n"
      "expired. Prints every evaluated configuration with its monthly cost, the AWS formula's\n"
      "count and why it differs, enhanced fan-out and on-demand alternatives. With --out, writes\n"
      "DIR/size.json and the recommended configuration's result (result.json, series, summary);\n"
      "with --report also DIR/report.md (charts in DIR/report/*.svg, cost against shard count\n"
      "first) and DIR/report.html (one self-contained file): the size review, then the\n"
      "recommended configuration's architecture review.";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("min", po::value<int64_t>(),
                                                    "smallest shard count to consider (default 1)")(
      "max", po::value<int64_t>(), "largest shard count (default 4 x the pre-screen, >= 16)")(
      "replications,r", po::value<int64_t>(), "runs per configuration, seeds seed+0.. (default 3)")(
      "threads,j", po::value<int64_t>(), "worker threads (default: all cores)")(
      "no-alternatives", "skip the enhanced fan-out search and the on-demand quote");
  AddScenarioOptions(&options, /*sweep=*/false);
  options.add_options()("out", po::value<std::string>(), "output directory")(
      "report", "with --out: also write report.md and report.html (the size review)");
  po::variables_map vm;
  ScenarioArgs a;
  if (int rc = ParseScenarioCommand(args, usage, options, /*sweep=*/false, &vm, &a); rc >= 0) {
    return rc;
  }
  SizeOptions o;
  int64_t reps = 3, threads = HardwareThreads();
  if (!ReadCount(vm, "min", 1, 10'000, &o.min_shards) ||
      !ReadCount(vm, "max", 1, 10'000, &o.max_shards) ||
      !ReadCount(vm, "replications", 1, 1000, &reps) ||
      !ReadCount(vm, "threads", 1, 1024, &threads)) {
    return kExitUsage;
  }
  if (o.max_shards > 0 && o.max_shards < o.min_shards) {
    std::cerr << "shardsim: --max " << o.max_shards << " is below --min " << o.min_shards << "\n";
    return kExitUsage;
  }
  if (vm.count("report") && !vm.count("out")) {
    std::cerr << "shardsim: --report needs --out DIR\n";
    return kExitUsage;
  }
  // The search is sequential (each step's shard count depends on the last verdict) and runs only
  // `replications` runs at a time: under mpirun, rank 0 runs it all on its threads.
  if (LauncherRanks() > 1) {
    if (LauncherRank() != 0) return kExitOk;
    std::cerr << "shardsim: size runs on one process (rank 0 of " << LauncherRanks()
              << "); its search is sequential, so use --threads rather than mpirun\n";
  }
  o.replications = static_cast<int>(reps);
  o.threads = static_cast<int>(threads);
  o.alternatives = !vm.count("no-alternatives");
  std::optional<RunInput> in =
      LoadRunInput(a.file, SingleOverrides(a.sets), a.prices_file, std::cerr);
  if (!in) return kExitUsage;
  if (in->scenario.stream.mode != StreamMode::kProvisioned) {
    std::cerr << a.file << ": /stream/mode: size searches provisioned shard counts; set "
              << "\"mode\": \"provisioned\" (the on-demand alternative is priced beside it)\n";
    return kExitUsage;
  }
  if (a.seed) in->scenario.seed = *a.seed;
  RunProgress progress("size");
  o.progress = [&](size_t done, size_t planned) { progress.Update(done, planned); };
  const SizeOutcome outcome = SizeStream(in->scenario, in->prices, o);
  if (!outcome.result) {
    for (const Diagnostic& d : outcome.input_errors) {
      std::cerr << FormatDiagnostic(a.file, d) << "\n";
    }
    return kExitUsage;
  }
  const SizeResult& r = *outcome.result;
  if (vm.count("out")) {
    OutputDir out;
    out.Add("size.json", SizeJsonText(r));
    out.Add("size.txt", SizeSummaryText(r));
    if (r.recommended_result) {
      RunResult rec = *r.recommended_result;
      rec.provenance = MakeProvenance("size", args, a.file);
      out.Add("result.json", ResultJsonText(rec));
      for (const SeriesTable& t : rec.series) out.Add(SeriesPath(t), SeriesToCsv(t));
      out.Add("summary.txt", SummaryText(rec));
    }
    if (vm.count("report")) {
      // The size review, with the recommended run (and its provenance) as its last section.
      SizeResult reviewed = r;
      if (reviewed.recommended_result) {
        reviewed.recommended_result->provenance = MakeProvenance("size", args, a.file);
      }
      for (ReportFile& f : RenderSizeReport(reviewed)) out.Add(f.path, std::move(f.contents));
    }
    std::string error;
    if (!out.Commit(vm["out"].as<std::string>(), &error)) {
      std::cerr << "shardsim: " << error << "\n";
      return kExitRuntime;
    }
  }
  std::cout << SizeSummaryText(r);
  return kExitOk;
}

int CmdSweep(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim sweep FILE --set /ptr=v1,v2,... [--set ...] [--replications R]\n"
      "                           [--threads T] [--duration D] [--prices FILE] --out DIR\n"
      "Runs the scenario at every combination of the --set values (a grid; the last --set varies\n"
      "fastest). Values are JSON or plain text (10min); ranges: A..B+S (A, A+S, ... <= B) and\n"
      "A..B*F (A, A*F, ... <= B). Every point is checked like the file before anything runs.\n"
      "Writes DIR/sweep.csv and DIR/sweep.json: per point the replications meeting the\n"
      "objectives, cost per month, throttled fraction, records dropped, and p99 latency and max\n"
      "iterator age per consumer (means over replications). E.g. a cost curve:\n"
      "  shardsim sweep s.json --set /stream/shards=4..64*2 --out curve";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("replications,r", po::value<int64_t>(),
                                                    "runs per point, seeds seed+0.. (default 1)")(
      "threads,j", po::value<int64_t>(), "worker threads (default: all cores)");
  AddScenarioOptions(&options, /*sweep=*/true);
  options.add_options()("out", po::value<std::string>()->required(), "output directory");
  po::variables_map vm;
  ScenarioArgs a;
  if (int rc = ParseScenarioCommand(args, usage, options, /*sweep=*/true, &vm, &a); rc >= 0) {
    return rc;
  }
  int64_t reps = 1, threads = HardwareThreads();
  if (!ReadCount(vm, "replications", 1, 1000, &reps) ||
      !ReadCount(vm, "threads", 1, 1024, &threads)) {
    return kExitUsage;
  }
  if (a.seed) a.sets.insert(a.sets.begin(), {"/seed", {nlohmann::json(*a.seed)}});
  std::vector<SetOverride> fixed, axes;
  for (const SetOverride& s : a.sets)
    (s.values.size() == 1 && s.pointer == "/duration" ? fixed : axes).push_back(s);
  if (axes.empty()) {
    std::cerr << "shardsim: sweep needs at least one --set /ptr=v1,v2,... (a grid axis)\n";
    return kExitUsage;
  }
  // Started by mpirun with several ranks: spread the runs over them; rank 0 writes the outputs.
  std::unique_ptr<TaskSpread> spread;
  if (LauncherRanks() > 1) {
#ifdef SHARDSIM_HAVE_MPI
    std::string error;
    spread = LoadMpiSpread(&error);
    if (spread == nullptr) {
      if (LauncherRank() == 0) {
        std::cerr << "shardsim: started by an MPI launcher with " << LauncherRanks()
                  << " processes, but the MPI plugin does not load: " << error << "\n";
      }
      return kExitRuntime;
    }
#else
    if (LauncherRank() == 0) {
      std::cerr << "shardsim: started by an MPI launcher with " << LauncherRanks()
                << " processes, but this shardsim was built without MPI (install Open MPI and "
                   "Boost.MPI and configure again), or run it without mpirun\n";
    }
    return kExitUsage;
#endif
  }
  const bool root = spread == nullptr || spread->Root();
  SweepOptions o;
  o.spread = spread.get();
  o.replications = static_cast<int>(reps);
  o.threads = static_cast<int>(threads);
  o.prices_file = a.prices_file;
  RunProgress progress("sweep");
  o.progress = [&](size_t done, size_t total) { progress.Update(done, total); };
  const SweepOutcome outcome = RunSweep(a.file, fixed, axes, o);
  if (!outcome.problems.empty()) {
    if (!root) return kExitUsage;  // every rank found the same problems; rank 0 reports them
    for (const SweepProblem& p : outcome.problems) {
      std::cerr << FormatDiagnostic(p.file, p.diagnostic) << " (at " << p.point << ")\n";
    }
    return kExitUsage;
  }
  if (!root) return kExitOk;
  OutputDir out;
  out.Add("sweep.csv", SweepCsvText(outcome.result));
  out.Add("sweep.json", SweepJsonText(outcome.result));
  std::string error;
  if (!out.Commit(vm["out"].as<std::string>(), &error)) {
    std::cerr << "shardsim: " << error << "\n";
    return kExitRuntime;
  }
  std::cout << SweepSummaryText(outcome.result);
  return kExitOk;
}

}  // namespace shardsim::cli
