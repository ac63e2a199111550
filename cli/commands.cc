// Subcommand implementations: argument parsing with Boost.Program_options, then the library calls.
#include "cli/commands.h"

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/route.h"
#include "models/run.h"
#include "models/scenario_loader.h"
#include "models/units.h"
#include "reports/csv_writer.h"
#include "reports/output_dir.h"
#include "reports/result_json.h"
#include "reports/summary.h"

namespace po = boost::program_options;

namespace shardsim::cli {
namespace {

// Parses `args` against `options` (+ positionals). On --help prints usage and returns kExitOk; on
// a usage error prints it and returns kExitUsage; otherwise returns -1 and fills `vm`.
int Parse(const std::vector<std::string>& args, const std::string& usage,
          const po::options_description& options, const po::positional_options_description& pos,
          po::variables_map* vm) {
  try {
    po::store(po::command_line_parser(args).options(options).positional(pos).run(), *vm);
    if (vm->count("help")) {
      std::cout << usage << "\n" << options;
      return kExitOk;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    std::cerr << "shardsim: " << e.what() << "\n\n" << usage << "\n" << options;
    return kExitUsage;
  }
  return -1;
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
  if (int rc = Parse(args, usage, options, pos, &vm); rc >= 0) return rc;

  int rc = kExitOk;
  for (const std::string& file : vm["file"].as<std::vector<std::string>>()) {
    const LoadResult loaded = LoadScenarioFile(file);
    if (!loaded.ok()) {
      PrintDiagnostics(loaded);
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
      "Usage: shardsim run FILE [--seed N] [--duration D] [--out DIR]\n"
      "Simulates the scenario and prints a summary. With --out, writes DIR/result.json and\n"
      "DIR/series/*.csv (all or nothing). Exit 0 ok, 1 runtime failure (e.g. a conservation\n"
      "check), 2 bad input.";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "file", po::value<std::string>()->required(), "scenario file")(
      "seed", po::value<uint64_t>(), "random seed (overrides the scenario's \"seed\")")(
      "duration", po::value<std::string>(), "simulated time, e.g. 10min (overrides \"duration\")")(
      "out", po::value<std::string>(), "output directory for result.json and CSV series")(
      "quiet,q", "do not print the summary");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (int rc = Parse(args, usage, options, pos, &vm); rc >= 0) return rc;

  const std::string file = vm["file"].as<std::string>();
  RunOptions run_options;
  if (vm.count("seed")) run_options.seed = vm["seed"].as<uint64_t>();
  if (vm.count("duration")) {
    const auto d = ParseDuration(vm["duration"].as<std::string>());
    if (!d.ok() || d.value->nanos() <= 0) {
      std::cerr << "shardsim: --duration: "
                << (d.ok() ? std::string("must be greater than 0") : d.error) << "\n";
      return kExitUsage;
    }
    run_options.duration = *d.value;
  }
  const LoadResult loaded = LoadScenarioFile(file);
  if (!loaded.ok()) {
    PrintDiagnostics(loaded);
    return kExitUsage;
  }
  const std::vector<Diagnostic> unsupported = UnsupportedFeatures(loaded, ImplementedFeatures());
  if (!unsupported.empty()) {
    for (const Diagnostic& d : unsupported) std::cerr << FormatDiagnostic(file, d) << "\n";
    return kExitUsage;
  }
  const RunOutcome outcome = RunScenario(*loaded.scenario, run_options);
  if (!outcome.input_errors.empty()) {
    for (const std::string& e : outcome.input_errors) std::cerr << e << "\n";
    return kExitUsage;
  }
  const RunResult& result = *outcome.result;
  if (vm.count("out")) {
    OutputDir out;
    out.Add("result.json", ResultJsonText(result));
    for (const SeriesTable& t : result.series) out.Add(SeriesPath(t), SeriesToCsv(t));
    std::string error;
    if (!out.Commit(vm["out"].as<std::string>(), &error)) {
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
  options.add_options()("help,h", "show this help")(
      "shards", po::value<int>()->required(), "number of shards (CreateStream ShardCount)")(
      "keys", po::value<std::string>(), "file of partition keys, one per line")(
      "jsonl", po::value<std::string>(), "file of JSON objects, one per line");
  po::positional_options_description pos;
  po::variables_map vm;
  if (int rc = Parse(args, usage, options, pos, &vm); rc >= 0) return rc;
  if (vm.count("keys") == vm.count("jsonl")) {
    std::cerr << "shardsim: route needs exactly one of --keys FILE or --jsonl FILE\n\n" << usage << "\n";
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
