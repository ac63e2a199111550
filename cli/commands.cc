// Subcommand implementations: argument parsing with Boost.Program_options, then the library calls.
#include "cli/commands.h"

#include <boost/program_options.hpp>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string_view>
#include <utility>

#include "cli/cmd_report.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/route.h"
#include "models/run/run.h"
#include "models/spec/loader/scenario_loader.h"
#include "models/spec/units.h"
#include "models/spec/validate.h"
#include "planner/session.h"
#include "reports/csv_writer.h"
#include "reports/output_dir.h"
#include "reports/result_json.h"
#include "reports/summary.h"

namespace po = boost::program_options;

namespace shardsim::cli {
namespace {

// Parses `args` against `options` (+ positionals, which --help does not list). On --help prints
// usage and returns kExitOk; on a usage error prints it and returns kExitUsage; otherwise returns
// -1 and fills `vm`.
int Parse(const std::vector<std::string>& args, const std::string& usage,
          const po::options_description& options, const po::positional_options_description& pos,
          po::variables_map* vm) {
  return ParseCommandLine(args, usage, options, pos, vm, std::cout, std::cerr);
}

// The value of an override as the command line spells it, for the "got ..." of messages.
class OverrideSpelling : public ValidationInput {
 public:
  OverrideSpelling(std::string pointer, std::string text)
      : pointer_(std::move(pointer)), text_(std::move(text)) {}
  std::optional<std::string> Spelling(std::string_view pointer) const override {
    if (pointer != pointer_) return std::nullopt;
    return Quote(text_);
  }

 private:
  std::string pointer_;
  std::string text_;
};

// Sets the scenario's duration to `text` ("10min") and checks the scenario again; the problems,
// if any, name their JSON pointers ("/duration", or e.g. "/warmup" that no longer fits).
std::vector<Diagnostic> OverrideDuration(const std::string& text, Scenario* scenario) {
  const Parsed<SimDuration> parsed = ParseDuration(text);
  if (!parsed.ok()) return {Diagnostic{"/duration", parsed.error, 0, 0}};
  scenario->duration = *parsed.value;
  return Validate(*scenario, OverrideSpelling("/duration", text));
}

void PrintDiagnostics(const LoadResult& loaded) {
  for (const Diagnostic& d : loaded.errors) std::cerr << FormatDiagnostic(loaded.file, d) << "\n";
}

}  // namespace

int CmdValidate(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim validate FILE...\n"
      "Checks scenario files against the format (scenarios/scenario.schema.json) and prints every\n"
      "problem as FILE: /json/pointer: message. Exit 0 if all are valid, 2 otherwise.";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "file", po::value<std::vector<std::string>>()->required(), "scenario files");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  if (args.empty()) {
    std::cerr << "shardsim: validate needs at least one scenario file\n\n" << usage << "\n";
    return kExitUsage;
  }
  if (int rc = Parse(args, usage, options, pos, &vm); rc >= 0) return rc;

  int rc = kExitOk;
  for (const std::string& file : vm["file"].as<std::vector<std::string>>()) {
    const LoadResult loaded = LoadScenarioFile(file);
    if (!loaded.ok()) {
      PrintDiagnostics(loaded);
      rc = kExitUsage;
      continue;
    }
    const PreparedScenario::Outcome prepared =
        PreparedScenario::Prepare(*loaded.scenario, loaded.scenario->duration);
    if (!prepared.prepared) {
      for (const Diagnostic& d : prepared.problems) std::cerr << FormatDiagnostic(file, d) << "\n";
      rc = kExitUsage;
      continue;
    }
    std::cout << file << ": valid\n";
    for (const Diagnostic& d : UnsupportedFeatures(loaded, ImplementedFeatures())) {
      std::cout << "  note: " << d.pointer << ": " << d.message << " by `shardsim run`\n";
    }
  }
  return rc;
}

int CmdRun(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim run FILE [--seed N] [--duration D] [--out DIR [--report]] [--quiet]\n"
      "Simulates the scenario and prints a summary. With --out, writes DIR/result.json and\n"
      "DIR/series/*.csv (all or nothing). Exit 0 ok, 1 runtime failure (e.g. a conservation\n"
      "check), 2 bad input. DIR also gets summary.txt (the summary); with --report, report.md,\n"
      "report.html and report/*.svg (the architecture review; `shardsim report DIR` renders it).";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("file", po::value<std::string>()->required(),
                                                    "scenario file")(
      "seed", po::value<std::string>(), "random seed 0..2^64-1 (overrides \"seed\")")(
      "duration", po::value<std::string>(), "simulated time, e.g. 10min (overrides \"duration\")")(
      "out", po::value<std::string>(), "output directory for result.json and CSV series")(
      "report", "with --out: also write the architecture-review report")(
      "quiet,q", "do not print the summary");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (int rc = Parse(args, usage, options, pos, &vm); rc >= 0) return rc;

  const std::string file = vm["file"].as<std::string>();
  RunOptions run_options;
  if (vm.count("seed")) {
    const std::string& text = vm["seed"].as<std::string>();
    uint64_t seed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      std::cerr << "shardsim: --seed: expected an integer 0..18446744073709551615, got \"" << text
                << "\"\n";
      return kExitUsage;
    }
    run_options.seed = seed;
  }
  if (vm.count("out") && vm["out"].as<std::string>().empty()) {
    std::cerr << "shardsim: --out: must name a directory\n";
    return kExitUsage;
  }
  if (vm.count("report") && !vm.count("out")) {
    std::cerr << "shardsim: --report needs --out DIR (the report is written beside result.json)\n";
    return kExitUsage;
  }
  LoadResult loaded = LoadScenarioFile(file);
  if (!loaded.ok()) {
    PrintDiagnostics(loaded);
    return kExitUsage;
  }
  if (vm.count("duration")) {
    // The override must satisfy every rule the scenario's own "duration" does (its range, the
    // warm-up, steps and events inside the run, the series window count).
    const std::string d = vm["duration"].as<std::string>();
    const std::vector<Diagnostic> problems = OverrideDuration(d, &*loaded.scenario);
    if (!problems.empty()) {
      for (const Diagnostic& p : problems) std::cerr << FormatDiagnostic(file, p) << "\n";
      return kExitUsage;
    }
    run_options.duration = loaded.scenario->duration;
  }
  const std::vector<Diagnostic> unsupported = UnsupportedFeatures(loaded, ImplementedFeatures());
  if (!unsupported.empty()) {
    for (const Diagnostic& d : unsupported) std::cerr << FormatDiagnostic(file, d) << "\n";
    return kExitUsage;
  }
  const PreparedScenario::Outcome prepared =
      PreparedScenario::Prepare(*loaded.scenario, loaded.scenario->duration);
  if (!prepared.prepared) {
    for (const Diagnostic& d : prepared.problems) {
      std::cerr << FormatDiagnostic(loaded.file, d) << "\n";
    }
    return kExitUsage;
  }
  Progress progress(std::cerr, StderrIsTerminal());  // a terminal only; no result changes
  const std::optional<ProgressHook> hook = RunProgressHook(&progress);
  const RunResult result =
      RunPrepared(*prepared.prepared, run_options.seed.value_or(loaded.scenario->seed), 0,
                  hook ? &*hook : nullptr);
  progress.Finish();
  if (vm.count("out")) {
    OutputDir out;
    out.Add("result.json", ResultJsonText(result));
    for (const SeriesTable& t : result.series) out.Add(SeriesPath(t), SeriesToCsv(t));
    out.Add("summary.txt", SummaryText(result));
    std::string error;
    if (vm.count("report") && !AddRunReport(&out, &error)) {
      std::cerr << "shardsim: " << error << "\n";
      return kExitRuntime;
    }
    const std::string dir = vm["out"].as<std::string>();
    if (!out.Commit(dir, &error)) {
      std::cerr << "shardsim: " << error << "\n";
      return kExitRuntime;
    }
  }
  if (!vm.count("quiet")) std::cout << SummaryText(result);
  if (!result.conservation.ok) {
    std::cerr << "shardsim: CONSERVATION CHECK FAILED: " << result.conservation.detail
              << "\nThis is a bug in shardsim: every record must be accounted for exactly once.\n";
    return kExitRuntime;
  }
  return kExitOk;
}

int CmdRoute(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim route --shards N (--keys FILE | --jsonl FILE)\n"
      "Which shard of a freshly created N-shard stream does each key go to? FILE may be - for\n"
      "standard input. --keys: one partition key per line. --jsonl: one JSON object per line,\n"
      "{\"partition_key\": \"...\", \"explicit_hash_key\": \"...\"} (the second optional).\n"
      "Prints one JSON line per input: {\"partition_key\", \"hash_key\", \"shard_id\"}.";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("shards", po::value<int>()->required(),
                                                    "number of shards (CreateStream ShardCount)")(
      "keys", po::value<std::string>(), "file of partition keys, one per line")(
      "jsonl", po::value<std::string>(), "file of JSON objects, one per line");
  po::positional_options_description pos;
  po::variables_map vm;
  if (int rc = Parse(args, usage, options, pos, &vm); rc >= 0) return rc;
  if (vm.count("keys") == vm.count("jsonl")) {
    std::cerr << "shardsim: route needs exactly one of --keys FILE or --jsonl FILE\n\n"
              << usage << "\n";
    return kExitUsage;
  }
  const bool keys = vm.count("keys") > 0;
  const std::string path = vm[keys ? "keys" : "jsonl"].as<std::string>();
  const RouteInput kind = keys ? RouteInput::kKeys : RouteInput::kJsonl;
  if (path == "-") return RunRoute(vm["shards"].as<int>(), kind, std::cin, std::cout, std::cerr);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "shardsim: cannot read " << path << "\n";
    return kExitUsage;
  }
  return RunRoute(vm["shards"].as<int>(), kind, in, std::cout, std::cerr);
}

}  // namespace shardsim::cli
