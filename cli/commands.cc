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

#include "analysis/cost/prices.h"
#include "cli/args.h"
#include "cli/cmd_report.h"
#include "cli/progress.h"
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
  if (int rc = ParseArgs(args, usage, options, pos, &vm); rc >= 0) return rc;

  int rc = kExitOk;
  for (const std::string& file : vm["file"].as<std::vector<std::string>>()) {
    const LoadResult loaded = LoadScenarioFile(file);
    if (!loaded.ok()) {
      PrintDiagnostics(loaded);
      rc = kExitUsage;
      continue;
    }
    // The prices `run` would use: a broken pricing.file or an unpriceable cost objective is bad
    // input for validate as for run.
    const PriceChoice prices = ResolvePrices(*loaded.scenario, "");
    if (!prices.errors.empty()) {
      const std::string& where = prices.error_file.empty() ? file : prices.error_file;
      for (const Diagnostic& d : prices.errors) std::cerr << FormatDiagnostic(where, d) << "\n";
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
      "Usage: shardsim run FILE [--seed N] [--duration D] [--set /ptr=value]... [--shards N]\n"
      "                         [--prices FILE] [--out DIR [--report]] [--quiet]\n"
      "Simulates the scenario and prints a summary. --set changes one scenario field for this\n"
      "run, checked exactly like the file (e.g. --set /producers/0/records_per_sec=6000). With\n"
      "--out, writes DIR/result.json, DIR/series/*.csv and DIR/summary.txt (all or nothing);\n"
      "with --report also report.md, report.html and report/*.svg (the architecture review;\n"
      "`shardsim report DIR` renders it again). Exit 0 ok, 1 runtime failure (e.g. a\n"
      "conservation check), 2 bad input.";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help");
  AddScenarioOptions(&options, /*sweep=*/false);
  options.add_options()("out", po::value<std::string>(),
                        "output directory for result.json and CSV series")(
      "report", "with --out: also write the architecture-review report")(
      "quiet,q", "do not print the summary");
  po::variables_map vm;
  ScenarioArgs a;
  if (int rc = ParseScenarioCommand(args, usage, options, /*sweep=*/false, &vm, &a); rc >= 0) {
    return rc;
  }
  if (vm.count("out") && vm["out"].as<std::string>().empty()) {
    std::cerr << "shardsim: --out: must name a directory\n";
    return kExitUsage;
  }
  if (vm.count("report") && !vm.count("out")) {
    std::cerr << "shardsim: --report needs --out DIR (the report is written beside result.json)\n";
    return kExitUsage;
  }
  const std::optional<RunInput> in =
      LoadRunInput(a.file, SingleOverrides(a.sets), a.prices_file, std::cerr);
  if (!in) return kExitUsage;
  Progress progress(std::cerr, StderrIsTerminal());  // a terminal only; no result changes
  const std::optional<ProgressHook> hook = RunProgressHook(&progress);
  RunResult result = RunPrepared(*in->prepared, in->prices, a.seed.value_or(in->scenario.seed), 0,
                                 hook ? &*hook : nullptr);
  progress.Finish();
  result.provenance = MakeProvenance("run", args, a.file);
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

}  // namespace shardsim::cli
